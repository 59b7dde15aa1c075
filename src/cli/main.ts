#!/usr/bin/env node
/**
 * The `vicsim` command, and the composition root: the only place that wires the model, a driver,
 * a backend and the outside world together.
 */
import { parseArgs } from 'node:util';
import { VicsimError } from '../sim/errors.js';
import { runDemo } from './demo.js';
import { intFlag } from './flags.js';
import { runPlan } from './plan.js';
import { runServe, SERVE_OPTIONS, SERVE_USAGE } from './serve-command.js';
import { runSweepCommand, SWEEP_USAGE } from './sweep.js';
import { runVch, VCH_USAGE } from './vch-command.js';

const USAGE = `Usage: vicsim <command> [options]

Commands:
${SERVE_USAGE}
${VCH_USAGE}
  demo       Build the default preset, provision container VMs, print the inventory and event log
             --hosts N   hosts in the cluster (default 4)
             --vms N     container VMs to create and power on (default 6)
             --seed N    random seed (default 1)
  plan SCENARIO --out DIR
             Run a capacity scenario (YAML or JSON) and write report.json, report.md and
             report.html into DIR (default: ./report); Ctrl-C writes a partial report
${SWEEP_USAGE}
  help       Show this help

With no command, vicsim runs the demo.`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'vch') return runVch(argv.slice(1));
  if (argv[0] === 'sweep') return runSweepCommand(argv.slice(1));
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { ...SERVE_OPTIONS, hosts: { type: 'string' }, vms: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0] ?? 'demo';
  if (values.help || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (command === 'plan') {
    if (positionals[1] === undefined) throw new VicsimError('InvalidArgument', 'plan needs a scenario file: vicsim plan SCENARIO --out DIR');
    return runPlan(positionals[1], values.out ?? 'report');
  }
  if (command === 'serve') return runServe(values);
  if (command !== 'demo') {
    process.stderr.write(`vicsim: unknown command '${command}'\n\n${USAGE}\n`);
    return 2;
  }
  const out = await runDemo({
    hosts: intFlag('hosts', values.hosts, 4, 1),
    vms: intFlag('vms', values.vms, 6, 1),
    seed: intFlag('seed', values.seed, 1, 0),
  });
  process.stdout.write(out + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`vicsim: ${message}\n`);
    process.exit(e instanceof VicsimError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1);
  },
);
