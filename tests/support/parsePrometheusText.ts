/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for
 * tests: every line must be a `# HELP`, a `# TYPE` or a sample, or it throws.
 * Returns each sample's value under its name plus sorted labels,
 * e.g. `tandem_errors_total{kind="protocol"}`.
 */
export function parsePrometheusText(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  for (const [index, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const fail = (why: string) => new Error(`line ${index + 1} is not valid Prometheus text (${why}): ${line}`);
    if (line.startsWith('#')) {
      const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
      if (!comment) throw fail('a comment that is neither HELP nor TYPE');
      if (comment[1] === 'TYPE') {
        if (!/^(counter|gauge|histogram|summary|untyped)$/.test(comment[3]!)) throw fail('unknown type');
        typed.add(comment[2]!);
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/.exec(line);
    if (!sample) throw fail('not a sample');
    const [, name, labelText, valueText] = sample as unknown as [string, string, string | undefined, string];
    const labels: string[] = [];
    if (labelText) {
      const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
      let consumed = 0;
      while (consumed < labelText.length) {
        labelPattern.lastIndex = consumed;
        const label = labelPattern.exec(labelText);
        if (!label) throw fail('malformed labels');
        labels.push(`${label[1]}="${label[2]}"`);
        consumed = labelPattern.lastIndex;
      }
    }
    // Go's ParseFloat, which Prometheus uses, reads NaN and Inf in any case (prom-client writes `Nan`).
    const value = /^[+-]?inf$/i.test(valueText) ? (valueText.startsWith('-') ? -Infinity : Infinity) : /^nan$/i.test(valueText) ? NaN : Number(valueText);
    if (Number.isNaN(value) && !/^nan$/i.test(valueText)) throw fail('value is not a number');
    const family = name.replace(/_(bucket|sum|count)$/, '');
    if (!typed.has(name) && !typed.has(family)) throw fail('sample before its # TYPE line');
    samples.set(labels.length > 0 ? `${name}{${labels.sort().join(',')}}` : name, value);
  }
  return samples;
}

/** The sum of every sample of `name` whose labels include all of `labels` (a missing sample is 0). */
export function sampleSum(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const [key, value] of samples) {
    const brace = key.indexOf('{');
    const sampleName = brace === -1 ? key : key.slice(0, brace);
    if (sampleName !== name) continue;
    const sampleLabels = brace === -1 ? [] : key.slice(brace + 1, -1).split(',');
    if (wanted.every((label) => sampleLabels.includes(label))) sum += value;
  }
  return sum;
}
