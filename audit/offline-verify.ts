/**
 * The offline verifier (第二十四条): given an export (audit/export.ts) and the deployment's public key PEM,
 * and nothing else (no database), checks every entry's hash and link, that each day's entries end in the
 * hash its signed digest names and number what it says, the anchor's and the tombstones' signatures, and
 * the signed end line over the file's bytes (a changed, removed or added line anywhere breaks it).
 * Fed line by line so a two-year export is never held in memory.
 */
import { createHash } from 'node:crypto';
import { chainHash } from './log';
import {
  GENESIS_HASH,
  digestText,
  exportText,
  signatureHolds,
  tombstoneText,
  type DigestFacts,
  type TombstoneFacts,
} from './proof-format';
import { EXPORT_FORMAT } from './export';
import { publicKeyFromPem, type AuditPublicKey } from './signing-key';

export interface OfflineResult {
  ok: boolean;
  entries: number;
  digests: number;
  from?: string;
  to?: string;
  keyId?: string;
  problems: string[];
  /** one line, Chinese and English */
  summary: string;
}

type Json = Record<string, unknown>;
const s = (v: unknown) => (typeof v === 'string' ? v : '');

export class ExportVerifier {
  private key?: AuditPublicKey;
  private readonly problems: string[] = [];
  private readonly sha = createHash('sha256');
  private lineNo = 0;
  private header?: Json;
  private anchored = false;
  private ended = false;
  private prev = GENESIS_HASH;
  private prevId = 0n;
  private segFirst?: string;
  private segCount = 0;
  private entries = 0;
  private digests = 0;

  constructor(publicKeyPem: string) {
    try {
      this.key = publicKeyFromPem(publicKeyPem);
    } catch (e) {
      this.problems.push((e as Error).message);
    }
  }

  private fail(detail: string): void {
    if (this.problems.length < 20)
      this.problems.push(`第 ${this.lineNo} 行 / line ${this.lineNo}: ${detail}`);
  }

  private signed(text: string, o: Json): boolean {
    return (
      this.key !== undefined &&
      signatureHolds(this.key, text, { keyId: s(o.keyId), signature: s(o.signature) })
    );
  }

  /** One line of the file, without its "\n". */
  line(text: string): void {
    this.lineNo++;
    let o: Json;
    try {
      o = JSON.parse(text) as Json;
      if (!o || typeof o !== 'object') throw new Error('not an object');
    } catch {
      this.sha.update(text + '\n', 'utf8');
      return this.fail('不是合法的 JSON / not valid JSON');
    }
    if (this.ended) return this.fail('结束行之后还有内容 / content after the end line');
    if (o.type !== 'end') this.sha.update(text + '\n', 'utf8');
    if (this.lineNo === 1) {
      if (o.type !== 'header' || o.format !== EXPORT_FORMAT || o.version !== 1)
        return this.fail('不是审计导出文件的首行 / not an audit export header');
      this.header = o;
      if (this.key && o.keyId !== this.key.keyId)
        this.fail(`公钥 (${this.key.keyId}) 与导出文件的签名密钥 (${s(o.keyId)}) 不符 / wrong public key`);
      return;
    }
    switch (o.type) {
      case 'anchor':
        return this.anchor(o);
      case 'tombstone':
        if (!this.signed(tombstoneText(o as unknown as TombstoneFacts), o))
          this.fail('删除记录 (墓碑) 签名无效 / tombstone signature invalid');
        return;
      case 'entry':
        return this.entry(o);
      case 'digest':
        return this.digest(o);
      case 'end':
        return this.end(o);
      default:
        return this.fail(`未知的行类型 / unknown line type "${s(o.type)}"`);
    }
  }

  private anchor(o: Json): void {
    if (this.anchored || this.lineNo !== 2) return this.fail('锚点位置不对 / misplaced anchor');
    this.anchored = true;
    const ok =
      o.source === 'genesis'
        ? o.lastHash === GENESIS_HASH && o.lastId === '0'
        : o.source === 'digest'
          ? this.signed(digestText(o as unknown as DigestFacts), o)
          : o.source === 'tombstone' && this.signed(tombstoneText(o as unknown as TombstoneFacts), o);
    if (!ok) this.fail('起点 (前一日摘要) 签名无效 / anchor signature invalid');
    this.prev = s(o.lastHash);
    this.prevId = /^\d+$/.test(s(o.lastId)) ? BigInt(s(o.lastId)) : 0n;
  }

  private entry(o: Json): void {
    if (!this.anchored) return this.fail('缺少起点 / entry before the anchor');
    const id = /^\d{1,19}$/.test(s(o.id)) ? BigInt(s(o.id)) : -1n;
    if (id <= this.prevId) this.fail(`记录序号 ${s(o.id)} 不递增 / id out of order`);
    const hash = chainHash(this.prev, new Date(s(o.at)), {
      actor: s(o.actor),
      action: s(o.action),
      target: typeof o.target === 'string' ? o.target : undefined,
      data: (o.data ?? {}) as Record<string, unknown>,
    });
    if (o.prevHash !== this.prev) this.fail(`记录 ${s(o.id)} 与前一条链接不上 / broken link`);
    else if (o.hash !== hash) this.fail(`记录 ${s(o.id)} 的内容与哈希不符 / entry altered`);
    this.prev = s(o.hash);
    this.prevId = id;
    this.segFirst ??= s(o.id);
    this.segCount++;
    this.entries++;
  }

  private digest(o: Json): void {
    this.digests++;
    if (!this.signed(digestText(o as unknown as DigestFacts), o))
      this.fail(`${s(o.day)} 的日摘要签名无效 / digest signature invalid`);
    if (o.lastHash !== this.prev || o.lastId !== this.prevId.toString())
      this.fail(`${s(o.day)} 的记录与签名的日摘要不符 / entries do not end in the signed hash`);
    if (o.entries !== this.segCount || o.firstId !== this.segFirst)
      this.fail(
        `${s(o.day)} 的记录条数与日摘要不符 (摘要 ${String(o.entries)}, 文件 ${this.segCount}) / entry count differs`,
      );
    this.segFirst = undefined;
    this.segCount = 0;
  }

  private end(o: Json): void {
    this.ended = true;
    if (this.segCount > 0) this.fail('最后几条记录没有日摘要 / entries not covered by a digest');
    const facts = {
      from: s(o.from),
      to: s(o.to),
      entries: Number(o.entries),
      digests: Number(o.digests),
      sha256: s(o.sha256),
      keyId: s(o.keyId),
    };
    if (!this.signed(exportText(facts), o)) this.fail('结束行签名无效 / end line signature invalid');
    if (facts.sha256 !== this.sha.digest('hex')) this.fail('文件内容与签名不符 / file bytes differ');
    if (facts.entries !== this.entries || facts.digests !== this.digests)
      this.fail('记录或日摘要的数目与结束行不符 / counts differ from the end line');
    if (this.header && (facts.from !== this.header.from || facts.to !== this.header.to))
      this.fail('日期范围与首行不符 / range differs from the header');
  }

  finish(): OfflineResult {
    if (this.lineNo === 0) this.problems.push('文件为空 / empty file');
    else if (!this.ended) this.problems.push('文件不完整: 缺少结束行 / truncated: no end line');
    const ok = this.problems.length === 0;
    const from = this.header ? s(this.header.from) : undefined;
    const to = this.header ? s(this.header.to) : undefined;
    const summary = ok
      ? `校验通过: ${from} 至 ${to}, 审计记录 ${this.entries} 条, 日摘要 ${this.digests} 个, 签名密钥 ${this.key?.keyId} / VERIFIED: ${this.entries} entries, ${this.digests} daily digests, key ${this.key?.keyId}`
      : `校验失败 / VERIFICATION FAILED: ${this.problems[0]}${this.problems.length > 1 ? ` (共 ${this.problems.length} 处问题 / ${this.problems.length} problems)` : ''}`;
    return {
      ok,
      entries: this.entries,
      digests: this.digests,
      from,
      to,
      keyId: this.key?.keyId,
      problems: [...this.problems],
      summary,
    };
  }
}

/**
 * Verifies an export read from a stream. Lines are split at "\n" only (not readline's \r handling), so the
 * bytes hashed are exactly the file's: a carriage return added anywhere is a changed byte.
 */
export async function verifyExportStream(
  input: AsyncIterable<string | Buffer>,
  publicKeyPem: string,
): Promise<OfflineResult> {
  const v = new ExportVerifier(publicKeyPem);
  let rest = '';
  for await (const chunk of input) {
    rest += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      v.line(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
    }
  }
  if (rest !== '') v.line(rest);
  return v.finish();
}

/** Verifies a whole export held as text. */
export function verifyExportText(text: string, publicKeyPem: string): OfflineResult {
  const v = new ExportVerifier(publicKeyPem);
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const l of lines) v.line(l);
  return v.finish();
}
