import { writeFileSync } from 'node:fs';
import { App, type AppProps, Chart, YamlOutputType } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { SYNTH_REPORT_ENV, type StackValidationError, type SynthReport } from '../src/model/synth-report.js';
import type { ModelDescriptor } from '../src/model/model-descriptor.js';
import { ModelConstruct } from './common/model-construct.js';
import { ModelStack } from './model-stack.js';

export { SYNTH_REPORT_ENV, type StackValidationError, type SynthesizedChart, type SynthReport } from '../src/model/synth-report.js';

/** Every validation error in the tree, in tree order, as cdk8s would report them. */
export function collectErrors(root: IConstruct): StackValidationError[] {
  return root.node.findAll().flatMap((c) => c.node.validate().map((message) => ({ path: c.node.path, message })));
}

/**
 * A cdk8s App that reports a stack's mistakes as a list instead of a stack trace: with
 * `modelstack synth` it hands the list (or the synthesized objects) to the CLI; run on its own
 * (`cdk8s synth`, `tsx stacks/main.ts`) it prints the list and sets a non-zero exit code.
 */
export class ModelstackApp extends App {
  public constructor(props: AppProps = {}) {
    super({ yamlOutputType: YamlOutputType.FILE_PER_CHART, ...props });
  }

  /** The synthesized report, without writing anything. */
  public report(): SynthReport {
    const errors = collectErrors(this);
    if (errors.length > 0) return { ok: false, errors, charts: [] };
    const charts = this.node.children
      .filter((c): c is Chart => c instanceof Chart)
      .map((chart) => ({
        id: chart.node.id,
        ...(ModelStack.isModelStack(chart) ? { stackName: chart.stackName } : {}),
        ...(ModelStack.isModelStack(chart) && chart.stackId ? { stackId: chart.stackId } : {}),
        objects: chart.toJson() as Record<string, unknown>[],
        ...(ModelStack.isModelStack(chart) ? { models: modelDescriptors(chart) } : {}),
      }));
    return { ok: true, errors: [], charts };
  }

  public override synth(): void {
    const reportPath = process.env[SYNTH_REPORT_ENV];
    if (reportPath) {
      writeFileSync(reportPath, JSON.stringify(this.report()));
      return;
    }
    const errors = collectErrors(this);
    if (errors.length > 0) {
      process.stderr.write(formatErrors(errors));
      process.exitCode = 1;
      return;
    }
    super.synth();
  }
}

/** The descriptors of a stack's models, in construct tree order. */
export function modelDescriptors(stack: ModelStack): ModelDescriptor[] {
  return stack.node
    .findAll()
    .filter(ModelConstruct.isModelConstruct)
    .flatMap((m) => (m.descriptor ? [m.descriptor] : []));
}

export function formatErrors(errors: readonly StackValidationError[]): string {
  const lines = errors.map((e) => `  [${e.path}] ${e.message}`);
  const noun = errors.length === 1 ? 'problem' : 'problems';
  return `The stack has ${errors.length} ${noun}:\n${lines.join('\n')}\n`;
}
