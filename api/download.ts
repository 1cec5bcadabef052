/** Sending a generated document (.docx, .xlsx, CSV) as a download, the same way from the API and the pages. */
import type { Response } from 'express';
import { contentDisposition } from '../documents/files';

/** `name` without extension; `ext` is added to both the Chinese and the ASCII file name. */
export function sendDocument(
  res: Response,
  body: Buffer | string,
  type: string,
  name: { chinese: string; ascii: string },
  ext: string,
): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', contentDisposition(`${name.chinese}.${ext}`, `${name.ascii}.${ext}`));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.status(200).send(body);
}
