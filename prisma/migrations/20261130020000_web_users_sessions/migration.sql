-- Workbench people and sessions (issue 12)
CREATE TYPE "UserRole" AS ENUM ('SUPERVISOR', 'ADMIN', 'DEPARTMENT');

CREATE TABLE "WebUser" (
    "id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "role" "UserRole" NOT NULL,
    "departmentId" TEXT,
    "passwordHash" TEXT NOT NULL,
    "disabledAt" TIMESTAMP(3),
    "lastLoginAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    CONSTRAINT "WebUser_pkey" PRIMARY KEY ("id"),
    -- a department user belongs to exactly one department, nobody else to any
    CONSTRAINT "WebUser_department_role" CHECK (("role" = 'DEPARTMENT') = ("departmentId" IS NOT NULL))
);
CREATE UNIQUE INDEX "WebUser_username_key" ON "WebUser"("username");
ALTER TABLE "WebUser" ADD CONSTRAINT "WebUser_departmentId_fkey" FOREIGN KEY ("departmentId") REFERENCES "Department"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "WebSession" (
    "sid" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "WebSession_pkey" PRIMARY KEY ("sid")
);
CREATE INDEX "WebSession_expiresAt_idx" ON "WebSession"("expiresAt");
