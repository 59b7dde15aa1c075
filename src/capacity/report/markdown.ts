/**
 * The Markdown summary of a run: the question, the headline numbers, refusals, headroom,
 * failover capacity, the timeline and the assumptions. Deterministic text.
 */
import type { CapacityRunResult } from './result.js';
import { failoverRows, headlineRows, headroomRows, refusalRows, timelineRows } from './summary.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A Markdown table; an empty body gives one row of dashes so the table still renders. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const body = rows.length ? rows : [header.map(() => '–')];
  return [`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

/** The summary as Markdown, ending with a newline. O(size of the totals and timeline). */
export function markdownReport(result: CapacityRunResult): string {
  const s = result.scenario;
  const parts = [
    `# Capacity report: ${s.name}`,
    ...(s.description ? [s.description.trim()] : []),
    '## Results',
    markdownTable(['Measure', 'Value'], headlineRows(result)),
    '## Refused requests',
    markdownTable(['Reason', 'Count'], refusalRows(result)),
    '## Headroom (how many more fit at the end of the run)',
    markdownTable(['Profile', 'VCH', 'More containers', 'Limited by'], headroomRows(result)),
    '## Failover capacity',
    markdownTable(['Cluster', 'Survives', 'HA policy'], failoverRows(result)),
    '## Timeline',
    markdownTable(['Time', 'Event', 'Target', 'What happened'], timelineRows(result)),
    '## Assumptions',
    result.assumptions.map((a) => `- ${a}`).join('\n'),
    '_Charts (demand vs capacity, imbalance, per-host memory, provisioning latency) are in report.html._',
  ];
  return `${parts.join('\n\n')}\n`;
}
