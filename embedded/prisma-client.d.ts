/** Types of prisma-client.js (plain JavaScript: bootstrap.js needs it before the TypeScript loader exists). */
export function prismaClientCurrent(): boolean;
export function ensurePrismaClient(say: (message: string) => void): Promise<void>;
