/** Renders a page component to a full HTML response (preact escapes every value; no raw HTML is injected). */
import type { Request, Response } from 'express';
import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';
import type { Person } from '../core/people/accounts';
import { csrfTokenOf } from './csrf';
import { Layout, type PageContext } from './layout';

export function contextOf(req: Request, res: Response): PageContext {
  return {
    person: res.locals.person as Person | undefined,
    csrf: csrfTokenOf(req),
    path: req.baseUrl + req.path.replace(/\/$/, ''),
  };
}

export function sendPage(
  req: Request,
  res: Response,
  title: string,
  body: ComponentChildren,
  status = 200,
): void {
  const html = render(
    <Layout title={title} ctx={contextOf(req, res)}>
      {body}
    </Layout>,
  );
  res.status(status).type('html').send(`<!doctype html>${html}`);
}

/** A refusal or error as a page: what happened, in Chinese, and where to go on. */
export function sendMessage(
  req: Request,
  res: Response,
  status: number,
  title: string,
  detail: string,
): void {
  sendPage(
    req,
    res,
    title,
    <section class="message" role="alert">
      <p>{detail}</p>
      <p>
        <a href="/dashboard">返回总览</a>
      </p>
    </section>,
    status,
  );
}
