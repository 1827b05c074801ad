import { hfTokenIssues, looksLikeSecretValue, secretKey, secretLiteralIssues } from '../../../constructs/common/secrets.js';

const TOKEN = 'hf_0123456789abcdefABCD';

describe('secretKey', () => {
  test('builds a reference', () => {
    expect(secretKey('hf', 'token')).toEqual({ name: 'hf', key: 'token' });
  });
});

describe('looksLikeSecretValue', () => {
  test('Hugging Face tokens', () => {
    expect(looksLikeSecretValue(TOKEN)).toBe(true);
    expect(looksLikeSecretValue('hf_short')).toBe(false);
    expect(looksLikeSecretValue('hf_transfer')).toBe(false);
    expect(looksLikeSecretValue(`--token=${TOKEN}`)).toBe(false);
  });
});

describe('secretLiteralIssues', () => {
  test('credential-like names with literal values', () => {
    const env = {
      HF_TOKEN: 'x',
      OPENAI_API_KEY: 'x',
      APIKEY: 'x',
      DB_PASSWORD: 'x',
      AWS_SECRET_ACCESS_KEY: 'x',
      GCP_CREDENTIALS: 'x',
      TLS_PRIVATE_KEY: 'x',
      LOG_LEVEL: 'debug',
      HF_HOME: '/models',
      // The words inside longer words are settings, not credentials.
      TOKENIZERS_PARALLELISM: 'false',
      MAX_NUM_BATCHED_TOKENS: '8192',
      SECRETARY: 'x',
    };
    expect(secretLiteralIssues(env, {}).map((i) => i.prop)).toEqual([
      'env.HF_TOKEN',
      'env.OPENAI_API_KEY',
      'env.APIKEY',
      'env.DB_PASSWORD',
      'env.AWS_SECRET_ACCESS_KEY',
      'env.GCP_CREDENTIALS',
      'env.TLS_PRIVATE_KEY',
    ]);
  });

  test('token values under any name; references are fine; the value is never shown', () => {
    const issues = secretLiteralIssues({ X: TOKEN, HF_TOKEN: { secretKeyRef: secretKey('hf', 't') } }, {});
    expect(issues).toEqual([
      {
        prop: 'env.X',
        value: '(literal value hidden)',
        problem: 'is a credential written as a literal; it would be stored in plain text in your manifests',
        fix: "store it in a Secret and reference it: env: { X: { secretKeyRef: secretKey('<secret-name>', '<key>') } }",
      },
    ]);
    expect(JSON.stringify(issues)).not.toContain(TOKEN);
  });

  test('tokens in argument lists, by index', () => {
    const issues = secretLiteralIssues(undefined, { workerArgs: ['--a', TOKEN], frontendArgs: undefined, other: [TOKEN] });
    expect(issues.map((i) => i.prop)).toEqual(['workerArgs[1]', 'other[0]']);
    expect(JSON.stringify(issues)).not.toContain(TOKEN);
  });
});

describe('hfTokenIssues', () => {
  test('references and unset are fine', () => {
    expect(hfTokenIssues(undefined)).toEqual([]);
    expect(hfTokenIssues(secretKey('a', 'b'))).toEqual([]);
  });

  test('anything else is refused and never echoed: only its type and size are said', () => {
    const fix = 'create a Secret holding the token and pass hfTokenSecret: secretKey("<secret-name>", "<key>")';
    expect(hfTokenIssues('my-secret')).toEqual([
      { prop: 'hfTokenSecret', value: '(a string of 9 characters, not shown)', problem: 'is not a Secret reference', fix },
    ]);
    expect(hfTokenIssues(TOKEN)).toEqual([
      { prop: 'hfTokenSecret', value: `(a string of ${TOKEN.length} characters, not shown)`, problem: 'is a Hugging Face token, not a Secret reference', fix },
    ]);
    const described = (v: unknown): unknown => hfTokenIssues(v)[0]?.value;
    expect(described(42)).toBe('(a number, not shown)');
    expect(described(null)).toBe('(null, not shown)');
    expect(described([TOKEN])).toBe('(an array of 1 item, not shown)');
    expect(described({ secretKeyRef: secretKey('a', 'b') })).toBe('(an object with key secretKeyRef, not shown)');
    expect(described({ name: 'hf', key: 'token', value: TOKEN })).toBe('(an object with keys name, key, value, not shown)');
    expect(described({ name: 'hf', key: 7 })).toBe('(an object with keys name, key, not shown)');
    expect(JSON.stringify([TOKEN, [TOKEN], { value: TOKEN }].map((v) => hfTokenIssues(v)))).not.toContain(TOKEN);
  });

  test('an object of the right shape is left to the schema (a Secret name and key may be shown)', () => {
    expect(hfTokenIssues({ name: 'hf' })).toEqual([]);
    expect(hfTokenIssues({ name: 'Not_A_Name', key: 'token' })).toEqual([]);
  });
});
