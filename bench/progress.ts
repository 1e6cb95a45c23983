/** Progress goes to stderr; stdout carries only the JSON report. */
const started = Date.now();

export function note(message: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${seconds}s] ${message}\n`);
}

/** Reports loading progress every tenth of the total (and at the end). */
export function loadProgress(label: string, total: number): (done: number) => void {
  let lastTenth = -1;
  return (done) => {
    const tenth = Math.floor((done / total) * 10);
    if (tenth === lastTenth && done < total) return;
    lastTenth = tenth;
    note(`${label}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} entities`);
  };
}
