/** Links between the workbench's pages. */

export const caseHref = (id: string) => `/dashboard/cases/${encodeURIComponent(id)}`;
export const departmentHref = (id: string) => `/dashboard/departments/${encodeURIComponent(id)}`;

/** A case's id linking to its page; the case being shown is bold instead. */
export function CaseLink(props: { id: string; current?: string }) {
  if (props.id === props.current) return <strong>{props.id}</strong>;
  return <a href={caseHref(props.id)}>{props.id}</a>;
}

/** A case id linking to its page, `—` for none. */
export const CaseLinkOrDash = (props: { id: string | null }) =>
  props.id ? <CaseLink id={props.id} /> : <>—</>;

/** The issuing form, for a department or following an earlier notice (第三十六条). */
export const newNoticeHref = (q: { department?: string; follows?: string } = {}) => {
  const params = new URLSearchParams(Object.entries(q).filter(([, v]) => !!v) as [string, string][]);
  const s = params.toString();
  return `/dashboard/notices/new${s ? `?${s}` : ''}`;
};

/** A written notice as a .docx. */
export const noticeDocumentHref = (caseId: string) =>
  `/dashboard/notices/${encodeURIComponent(caseId)}/document`;
