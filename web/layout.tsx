/** The frame of every workbench page: header, navigation by role, the signed-in person, logout. */
import type { ComponentChildren } from 'preact';
import type { Person } from '../core/people/accounts';

export interface PageContext {
  person?: Person;
  csrf: string;
  /** the path of the current page, to mark its navigation entry */
  path: string;
}

const NAV: { href: string; label: string; roles: Person['role'][] }[] = [
  { href: '/dashboard', label: '总览', roles: ['SUPERVISOR', 'ADMIN', 'DEPARTMENT'] },
  { href: '/dashboard/overdue', label: '逾期案件', roles: ['SUPERVISOR', 'ADMIN', 'DEPARTMENT'] },
  { href: '/dashboard/due-soon', label: '即将到期', roles: ['SUPERVISOR', 'ADMIN', 'DEPARTMENT'] },
  { href: '/dashboard/notices', label: '书面通报', roles: ['SUPERVISOR', 'ADMIN', 'DEPARTMENT'] },
  { href: '/dashboard/statistics', label: '统计', roles: ['SUPERVISOR', 'ADMIN'] },
  { href: '/dashboard/reports', label: '报送', roles: ['SUPERVISOR', 'ADMIN', 'DEPARTMENT'] },
  { href: '/dashboard/mail-problems', label: '邮件异常', roles: ['SUPERVISOR', 'ADMIN'] },
  { href: '/dashboard/admin/accounts', label: '账号管理', roles: ['ADMIN'] },
  { href: '/dashboard/admin/calendar', label: '节假日安排', roles: ['ADMIN'] },
];

/** Page-specific style sheets, one per page family (assets/pages/). */
const PAGE_STYLES = ['overview', 'lists', 'case', 'notice', 'reports'];

const ROLE_LABEL: Record<Person['role'], string> = {
  SUPERVISOR: '督促检查',
  ADMIN: '管理员',
  DEPARTMENT: '部门',
};

export function Layout(props: { title: string; ctx: PageContext; children: ComponentChildren }) {
  const { person, csrf, path } = props.ctx;
  const nav = person ? NAV.filter((n) => n.roles.includes(person.role)) : [];
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}' />
        <meta name="csrf-token" content={csrf} />
        <title>{`${props.title} · 政务信息资源共享时限监督`}</title>
        {/* no favicon request (and no 404 in every browser's console): an empty icon inline */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/dashboard/assets/app.css" />
        {PAGE_STYLES.map((name) => (
          <link rel="stylesheet" href={`/dashboard/assets/pages/${name}.css`} />
        ))}
        <script src="/dashboard/assets/htmx.min.js" defer></script>
        <script src="/dashboard/assets/app.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          跳到正文
        </a>
        <header class="top">
          <a class="brand" href="/dashboard">
            政务信息资源共享时限监督
          </a>
          {person && (
            <nav aria-label="主导航">
              {nav.map((n) => (
                <a href={n.href} aria-current={n.href === path ? 'page' : undefined}>
                  {n.label}
                </a>
              ))}
              {person.role === 'DEPARTMENT' && person.departmentId && (
                <a href={`/dashboard/departments/${person.departmentId}`}>本部门</a>
              )}
            </nav>
          )}
          {person && (
            <form class="who" method="post" action="/dashboard/logout">
              <span>
                {person.displayName} · {ROLE_LABEL[person.role]}
              </span>
              <a href="/dashboard/password">修改密码</a>
              <input type="hidden" name="_csrf" value={csrf} />
              <button type="submit">退出</button>
            </form>
          )}
        </header>
        <main id="main">
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}
