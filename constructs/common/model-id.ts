import type { PropIssue } from './issues.js';

/**
 * A Hugging Face repository id ("org/name", or a legacy one-part "name"): letters, digits, "-",
 * "_" and ".", each part starting with a letter or digit, at most 96 characters, no "--" or ".."
 * (the Hub's repository name rules).
 */
const HF_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}(\/[A-Za-z0-9][A-Za-z0-9_.-]{0,95})?$/;
const HF_WEB = /^https?:\/\/(www\.)?(huggingface\.co|hf\.co)\/(?<repo>[^/?#\s]+\/[^/?#\s]+)/;
const URI = /^(?<scheme>[A-Za-z][A-Za-z0-9+.-]*):\/\//;

/**
 * Issues for a `model` value that is not a model an engine can load: a Hugging Face id, a path
 * inside the container (absolute, or starting with "./" or "../"), or a URI of a scheme in
 * `schemes`. A flag, a Hugging Face web page, a name with spaces are mistakes caught here rather
 * than by a worker that crash-loops on them.
 */
export function modelIdIssues(prop: string, model: string, schemes: readonly string[], argsProp: string): PropIssue[] {
  const issue = (problem: string, fix: string): PropIssue[] => [{ prop, value: model, problem, fix }];
  const idFix = 'use a Hugging Face id like "Qwen/Qwen3-0.6B", or the absolute path of the model inside the container';
  if (model.startsWith('-')) {
    return issue('looks like an engine flag, not a model', `set ${prop} to the model (${idFix.replace(/^use /, '')}) and pass engine flags with ${argsProp}`);
  }
  const web = HF_WEB.exec(model);
  if (web) return issue('is a Hugging Face web address, not a model id', `use the repository id "${web.groups!.repo}"`);
  if (/\s/.test(model)) return issue('contains whitespace, which no model id or path has', idFix);
  const uri = URI.exec(model);
  if (uri) {
    const scheme = uri.groups!.scheme!.toLowerCase();
    if (schemes.includes(scheme)) return [];
    const supported = schemes.length ? `supported schemes: ${schemes.map((s) => `${s}://`).join(', ')}` : 'no URI scheme is supported here';
    return issue(`uses the URI scheme "${scheme}://" (${supported})`, idFix);
  }
  if (model.startsWith('/') || model.startsWith('./') || model.startsWith('../')) return [];
  if (HF_ID.test(model) && !model.includes('--') && !model.includes('..')) return [];
  return issue('is neither a Hugging Face id ("org/name") nor a path', idFix);
}
