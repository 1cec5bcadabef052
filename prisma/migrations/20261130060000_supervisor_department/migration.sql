-- Supervision by level (第十条, issue 13): a supervisor may belong to a department (a 盟市 government or its
-- office), whose 盟市 and 旗县 bound what it sees. A department user still needs one, an administrator has none
ALTER TABLE "WebUser" DROP CONSTRAINT "WebUser_department_role";
ALTER TABLE "WebUser" ADD CONSTRAINT "WebUser_department_role" CHECK (
    ("role" = 'DEPARTMENT' AND "departmentId" IS NOT NULL)
    OR "role" = 'SUPERVISOR'
    OR ("role" = 'ADMIN' AND "departmentId" IS NULL)
);
