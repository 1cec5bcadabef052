-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "requestHash" TEXT;

