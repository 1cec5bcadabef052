/**
 * The deployment's Ed25519 key signing the audit digests and tombstones (第二十四条). The private key lives
 * in a file outside the database (a database superuser who rewrites the log cannot re-sign it), mode 0600,
 * created on first start; it is never logged. Its public half is published (GET /api/v1/audit/public-key) and
 * is all an auditor needs to check an export offline.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface AuditPublicKey {
  /** first 16 hex digits of sha-256 over the DER public key: names the key in every digest and export */
  keyId: string;
  publicKey: KeyObject;
  publicKeyPem: string;
}

export interface AuditSigningKey extends AuditPublicKey {
  privateKey: KeyObject;
  file: string;
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** Reads a published public key (PEM); throws with a Chinese message if it is not an Ed25519 key. */
export function publicKeyFromPem(pem: string): AuditPublicKey {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(pem);
  } catch (e) {
    throw new Error(`公钥无法解析 / cannot read the public key: ${(e as Error).message}`, { cause: e });
  }
  if (publicKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`公钥不是 Ed25519 密钥 / not an Ed25519 key (${publicKey.asymmetricKeyType})`);
  return {
    keyId: keyIdOf(publicKey),
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function fromPrivatePem(pem: string, file: string): AuditSigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error(`审计签名密钥文件 ${file} 不是 Ed25519 私钥`);
  const publicKey = createPublicKey(privateKey);
  return {
    ...publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    privateKey,
    file,
  };
}

const cache = new Map<string, AuditSigningKey>();

/**
 * The key in `file`, generated there if absent. Several processes may start at once (API, workers): the key
 * is written to a private temporary file and linked into place, so exactly one key wins and nobody reads a
 * half-written file.
 */
export function loadOrCreateSigningKey(file: string): AuditSigningKey {
  const cached = cache.get(file);
  if (cached) return cached;
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`无法读取审计签名密钥文件 ${file}: ${(e as Error).message}`, { cause: e });
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, file);
    } catch (le) {
      if ((le as NodeJS.ErrnoException).code !== 'EEXIST') throw le;
    } finally {
      fs.unlinkSync(tmp);
    }
    pem = fs.readFileSync(file, 'utf8');
  }
  const key = fromPrivatePem(pem, file);
  cache.set(file, key);
  return key;
}

export function signText(key: AuditSigningKey, text: string): string {
  return sign(null, Buffer.from(text, 'utf8'), key.privateKey).toString('base64');
}

export function verifyText(key: Pick<AuditPublicKey, 'publicKey'>, text: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(text, 'utf8'), key.publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
