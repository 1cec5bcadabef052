/** The case lists' filter form: a plain GET form, which htmx turns into a swap of the results. */
import {
  CASE_LIST_SORTS,
  DEPARTMENT_LEVELS,
  MAX_WITHIN,
  type CaseListResult,
  type DepartmentOption,
} from '../../../core/oversight/case-lists';
import { LEVEL_NAME } from '../../../core/registry/hierarchy';
import { PROCEDURE_CODES } from '../../../procedures';
import { procedureLabel } from '../../format';
import type { KindText } from './kinds';

export function Filters(props: { result: CaseListResult; text: KindText }) {
  const { filter: f, departments } = props.result;
  const byLevel = DEPARTMENT_LEVELS.map((level) => ({
    level,
    items: departments.filter((d: DepartmentOption) => d.level === level),
  })).filter((g) => g.items.length > 0);
  return (
    <form
      class="list-filters"
      method="get"
      action={props.text.path}
      hx-get={props.text.path}
      hx-target="#results"
      hx-push-url="true"
      aria-label="筛选"
    >
      <label>
        责任部门
        <select name="department">
          <option value="">全部部门</option>
          {byLevel.map((g) => (
            <optgroup label={LEVEL_NAME[g.level]}>
              {g.items.map((d) => (
                <option value={d.id} selected={d.id === f.department}>
                  {d.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      <label>
        程序
        <select name="procedure">
          <option value="">全部程序</option>
          {PROCEDURE_CODES.map((code) => (
            <option value={code} selected={code === f.procedure}>
              {procedureLabel(code)}
            </option>
          ))}
        </select>
      </label>
      <label>
        责任部门层级
        <select name="level">
          <option value="">全部层级</option>
          {DEPARTMENT_LEVELS.map((l) => (
            <option value={l} selected={l === f.level}>
              {LEVEL_NAME[l]}
            </option>
          ))}
        </select>
      </label>
      <label>
        截止日期从
        <input type="date" name="from" value={f.from ?? ''} />
      </label>
      <label>
        截止日期到
        <input type="date" name="to" value={f.to ?? ''} />
      </label>
      {f.kind === 'due-soon' && (
        <label>
          到期范围
          <select name="within">
            {Array.from({ length: MAX_WITHIN }, (_, i) => i + 1).map((n) => (
              <option value={String(n)} selected={n === f.within}>
                {n} 个工作日内
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        排序
        <select name="sort">
          {CASE_LIST_SORTS.map((s) => (
            <option value={s} selected={s === f.sort}>
              {props.text.sortLabels[s]}
            </option>
          ))}
        </select>
      </label>
      <div class="filter-actions">
        <button type="submit">筛选</button>
        <a class="button secondary" href={props.text.path}>
          清除条件
        </a>
      </div>
    </form>
  );
}
