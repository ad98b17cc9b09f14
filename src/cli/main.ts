#!/usr/bin/env node
/**
 * The `ocr-perfkit` command. Subcommands register themselves in `commands` below; each takes
 * the remaining argv and returns an exit code.
 */
import { formatDoctor, runDoctor } from './doctor';
import { reportFailure } from './failure';
import { trainCommand } from './train';
import { packageVersion } from './version';

/** A subcommand of the CLI. */
export interface CliCommand {
  /** One line shown by `--help`. */
  summary: string;
  run(args: string[]): Promise<number> | number;
}

export const commands: Record<string, CliCommand> = {
  train: {
    summary: 'the main job: train a small DBNet on synthetic receipts with every callback on, write report.html',
    run: trainCommand,
  },
  doctor: {
    summary: 'report versions, where the addon was loaded from, tfjs backends, NVML and CUPTI',
    run(args) {
      const checks = runDoctor();
      if (args.includes('--json')) process.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
      else process.stdout.write(`${formatDoctor(checks)}\n`);
      return 0;
    },
  },
};

export function helpText(): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length));
  return [
    `ocr-perfkit ${packageVersion()} — fast, observable DBNet training for TensorFlow.js`,
    '',
    'Usage: ocr-perfkit <command> [options]',
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${commands[n]!.summary}`),
    '',
    'Options:',
    '  --help, -h     show this help',
    '  --version, -v  print the version',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const cmd = commands[first];
  if (!cmd) {
    process.stderr.write(`ocr-perfkit: unknown command '${first}'\n\n${helpText()}\n`);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    return reportFailure(err, first);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = reportFailure(err, 'main');
    },
  );
}
