/**
 * `vicsim vch create|ls|inspect|configure|delete`: vic-machine's verbs against a running
 * `vicsim serve`, through its admin API (`--admin URL`, default http://127.0.0.1:2378).
 * Exit status: 0 done, 1 the server refused or is not running, 2 bad flags.
 */
import { parseArgs } from 'node:util';
import { VicsimError } from '../sim/errors.js';
import { AdminClient, DEFAULT_ADMIN_URL } from './admin/client.js';
import { changesFromFlags, dockerPortFlag, VCH_SPEC_OPTIONS, type VchFlagValues } from './vch-flags.js';
import { createdText, deletedText, inspectText, lsTable } from './vch-print.js';

/** vch's lines of the `vicsim help` text. */
export const VCH_USAGE = `  vch create --name NAME [flags]    Create a VCH with its own Docker API port (talks to vicsim serve)
             --compute-resource C        cluster name or id (default: the first)
             --cpu MHz / --memory MB     pool limits
             --cpu-reservation MHz / --memory-reservation MB
             --cpu-shares S / --memory-shares S   low, normal, high or a number
             --containers N              most containers at once
             --image-store DS            datastore for images and container VMs
             --volume-store '[ds] path:label'     repeatable; label default serves anonymous volumes
             --bridge-network-range CIDR (default 172.16.0.0/12)
             --provision MODE            instant, linked, full or boot (default instant)
             --insecure-registry H / --whitelist-registry H   repeatable
             --docker-port P             Docker API port (default: next free from 2376)
  vch ls                                 List the VCHs: name, DOCKER_HOST, mode, containers, pool limits
  vch inspect NAME                       Print DOCKER_HOST and the equivalent create flags
  vch configure NAME [flags]             Change only the flags given (pool limits, reservations, shares,
                                         --containers, registries); others need delete and create
  vch delete NAME [--force]              Remove containers, images and the pool; --force also its volumes
             --admin URL                 the serve's admin API (default ${DEFAULT_ADMIN_URL})`;

/** Where the command writes. */
export interface VchIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_IO: VchIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

const VERBS = ['create', 'ls', 'inspect', 'configure', 'delete'] as const;
type Verb = (typeof VERBS)[number];

function usageError(message: string): VicsimError {
  return new VicsimError('InvalidArgument', message);
}

function parse(verb: Verb, args: readonly string[]): { readonly values: VchFlagValues; readonly positionals: string[] } {
  const specFlags = verb === 'create' || verb === 'configure' ? VCH_SPEC_OPTIONS : {};
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: { ...specFlags, admin: { type: 'string' }, ...(verb === 'delete' ? { force: { type: 'boolean' } } : {}), ...(verb !== 'create' && verb !== 'configure' ? { name: { type: 'string' } } : {}) },
  });
  return { values: values as VchFlagValues, positionals };
}

/** The VCH named by the first positional or --name. */
function nameOf(verb: Verb, values: VchFlagValues, positionals: readonly string[]): string {
  const name = positionals[0] ?? (typeof values['name'] === 'string' ? values['name'] : undefined);
  if (name === undefined) throw usageError(`vch ${verb} needs a VCH name: vicsim vch ${verb} ${verb === 'create' ? '--name NAME' : 'NAME'}`);
  if (positionals.length > 1) throw usageError(`vch ${verb} takes one VCH name, got ${positionals.join(' ')}`);
  return name;
}

async function run(verb: Verb, args: readonly string[], io: VchIo): Promise<void> {
  const { values, positionals } = parse(verb, args);
  const client = new AdminClient(typeof values['admin'] === 'string' ? values['admin'] : DEFAULT_ADMIN_URL);
  if (verb === 'ls') {
    if (positionals.length > 0) throw usageError(`vch ls takes no arguments, got ${positionals.join(' ')}`);
    io.stdout(lsTable(await client.list()) + '\n');
    return;
  }
  const name = nameOf(verb, values, positionals);
  if (verb === 'create') {
    const created = await client.create({ name, ...changesFromFlags(values) }, dockerPortFlag(values));
    io.stdout(createdText(created, 'created') + '\n');
  } else if (verb === 'inspect') {
    io.stdout(inspectText(await client.inspect(name)) + '\n');
  } else if (verb === 'configure') {
    const changes = changesFromFlags(values);
    if (values['docker-port'] !== undefined) throw usageError('--docker-port cannot be changed by configure: delete the VCH and create it again');
    if (Object.keys(changes).length === 0) throw usageError('vch configure needs at least one flag to change');
    io.stdout(createdText(await client.configure(name, changes), 'configured') + '\n');
  } else {
    io.stdout(deletedText(await client.delete(name, values['force'] === true)) + '\n');
  }
}

/**
 * Runs `vicsim vch ARGS…`; resolves with the exit status (0, 1 refused or unreachable, 2 usage).
 * Never rejects: every error is printed on `io.stderr` as `vicsim: message`.
 */
export async function runVch(args: readonly string[], io: VchIo = PROCESS_IO): Promise<number> {
  const verb = args[0];
  if (verb === undefined || !(VERBS as readonly string[]).includes(verb)) {
    io.stderr(`vicsim: vch needs one of ${VERBS.join(', ')}${verb === undefined ? '' : `, got '${verb}'`}\n\n${VCH_USAGE}\n`);
    return 2;
  }
  try {
    await run(verb as Verb, args.slice(1), io);
    return 0;
  } catch (e) {
    io.stderr(`vicsim: ${e instanceof Error ? e.message : String(e)}\n`);
    const usage = (e instanceof VicsimError && e.code === 'InvalidArgument') || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    return usage ? 2 : 1;
  }
}
