/** The end-of-import report for people, and the exit code (docs/importers.md "Exit codes"). */
import type { ImportSummary } from './import.runner.js';

export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
export const EXIT_REJECTED = 3;

export function exitCodeOf(summary: ImportSummary): number {
  if (summary.fatal !== undefined) return EXIT_FATAL;
  return summary.rejected > 0 ? EXIT_REJECTED : EXIT_OK;
}

export interface SummaryOptions {
  dryRun: boolean;
  /** Where all rejections were written, if anywhere. */
  rejectsPath?: string;
}

export function formatSummary(summary: ImportSummary, options: SummaryOptions): string {
  const lines: string[] = [];
  const seconds = (summary.durationMs / 1000).toFixed(1);
  const what = summary.sources.map((source) => source.name).join(', ') || 'nothing';
  const verb = options.dryRun ? 'Checked (dry run, nothing sent)' : 'Imported';
  lines.push(`${summary.fatal === undefined ? verb : 'Stopped'} ${what} in ${seconds} s`);
  lines.push(`  read      ${summary.read}`);
  lines.push(
    `  ${options.dryRun ? 'valid   ' : 'imported'}  ${summary.imported}${split(summary, options)}`,
  );
  if (summary.skipped > 0) lines.push(`  skipped   ${summary.skipped} (skip rules)`);
  lines.push(`  rejected  ${summary.rejected}`);
  if (summary.sources.length > 1) {
    for (const source of summary.sources) {
      lines.push(
        `    ${source.name}: ${source.read} read, ${source.imported} imported, ` +
          `${source.skipped} skipped, ${source.rejected} rejected`,
      );
    }
  }
  for (const rejection of summary.rejections) {
    lines.push(`  ✗ ${rejection.source} ${rejection.at}: ${rejection.reason}`);
  }
  const more = summary.rejected - summary.rejections.length;
  if (more > 0) lines.push(`  … and ${more} more rejected`);
  if (summary.rejected > 0) {
    lines.push(
      options.rejectsPath
        ? `  every rejected record is in ${options.rejectsPath}`
        : '  (write every rejected record to a file with --rejects <file.csv>)',
    );
  }
  if (summary.fatal !== undefined) {
    lines.push(`Error: ${summary.fatal}`);
    if (summary.imported > 0) {
      lines.push('Imports are idempotent: fix the problem and run the same command again.');
    }
  }
  return `${lines.join('\n')}\n`;
}

function split(summary: ImportSummary, options: SummaryOptions): string {
  if (options.dryRun || summary.imported === 0) return '';
  const known = summary.unconfirmed === 0;
  const parts: string[] = [];
  if (known || summary.created > 0) parts.push(`created ${summary.created}`);
  if (known || summary.updated > 0) parts.push(`updated ${summary.updated}`);
  if (!known) parts.push(`${summary.unconfirmed} created or updated`);
  return ` (${parts.join(', ')})`;
}
