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

  test('strings are refused; a token value is hidden', () => {
    expect(hfTokenIssues('my-secret')).toEqual([
      {
        prop: 'hfTokenSecret',
        value: 'my-secret',
        problem: 'is not a Secret reference',
        fix: 'create a Secret holding the token and pass hfTokenSecret: secretKey("<secret-name>", "<key>")',
      },
    ]);
    expect(hfTokenIssues(TOKEN)[0]).toMatchObject({ value: '(literal token hidden)', problem: 'is a token value, not a Secret reference' });
    expect(hfTokenIssues(42)[0]).toMatchObject({ value: 42, problem: 'is not a Secret reference' });
  });
});
