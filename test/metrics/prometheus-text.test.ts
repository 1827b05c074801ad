import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { ModelstackError } from '../../src/errors.js';
import { parseMetricsText } from '../../src/metrics/prometheus-text.js';

const HIST = `# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{engine="0",le="0.1",model_name="a"} 1.0
vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="a"} 2.0
vllm:time_to_first_token_seconds_count{engine="0",model_name="a"} 2.0
vllm:time_to_first_token_seconds_sum{engine="0",model_name="a"} 0.6
vllm:time_to_first_token_seconds_bucket{engine="1",le="0.1",model_name="a"} 5.0
vllm:time_to_first_token_seconds_bucket{engine="1",le="+Inf",model_name="a"} 7.0
vllm:time_to_first_token_seconds_count{engine="1",model_name="a"} 7.0
vllm:time_to_first_token_seconds_sum{engine="1",model_name="a"} 1.5
`;

describe('parseMetricsText', () => {
  test('the library alone merges labelled histogram series (why the wrapper hides histogram TYPE lines from it)', () => {
    const [family] = parsePrometheusTextFormat(HIST);
    // One bucket map for both engines: engine 1's counts overwrote engine 0's, _sum/_count are gone.
    expect(family!.metrics).toEqual([{ buckets: { '0.1': '5.0', '+Inf': '7.0' } }]);
  });

  test('keeps every series of a labelled histogram with its labels, _sum and _count', () => {
    const s = parseMetricsText(HIST, 0);
    expect(s.types.get('vllm:time_to_first_token_seconds')).toBe('histogram');
    const buckets = s.samples.filter((x) => x.name === 'vllm:time_to_first_token_seconds_bucket');
    expect(buckets.map((b) => [b.labels.engine, b.labels.le, b.value])).toEqual([
      ['0', '0.1', 1],
      ['0', '+Inf', 2],
      ['1', '0.1', 5],
      ['1', '+Inf', 7],
    ]);
    expect(s.samples.filter((x) => x.name.endsWith('_count')).map((x) => x.value)).toEqual([2, 7]);
    expect(s.samples.filter((x) => x.name.endsWith('_sum')).map((x) => x.value)).toEqual([0.6, 1.5]);
  });

  test('NaN, +Inf, -Inf, exponents, escaped label values, exemplars, timestamps and # EOF', () => {
    const s = parseMetricsText(
      [
        '# TYPE g gauge',
        'g{path="C:\\\\DIR\\\\F.TXT",msg="say \\"hi\\" # not a comment"} NaN',
        'h +Inf 1395066363000',
        'i -Inf',
        'j 1.7682648369e+09',
        '# TYPE c counter',
        'c_total{a="b"} 5 # {trace_id="x"} 0.5 1.7e9',
        '#a comment without a space',
        '# EOF',
        'after_eof 1',
      ].join('\n'),
    );
    const by = Object.fromEntries(s.samples.map((x) => [x.name, x]));
    expect(Number.isNaN(by.g!.value)).toBe(true);
    expect(by.g!.labels).toEqual({ path: 'C:\\DIR\\F.TXT', msg: 'say "hi" # not a comment' });
    expect(by.h!.value).toBe(Infinity);
    expect(by.i!.value).toBe(-Infinity);
    expect(by.j!.value).toBe(1768264836.9);
    expect(by.c_total).toEqual({ name: 'c_total', labels: { a: 'b' }, value: 5 });
    expect(by.after_eof).toBeUndefined();
  });

  test('text that is not Prometheus text is a clear error, not a stack trace', () => {
    expect(() => parseMetricsText('<html><body>Not Found</body></html>')).toThrow(ModelstackError);
    expect(() => parseMetricsText('metric{a=b} 1')).toThrow(/did not answer Prometheus text/);
    expect(() => parseMetricsText('metric one')).toThrow(/not a number for metric: "one"/);
  });
});
