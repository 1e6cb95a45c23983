/**
 * `civis simulate`: provisions a simulated city's devices on a running platform and drives
 * them over MQTT and HTTP at a given rate (docs/simulator.md). Progress goes to stderr, a
 * JSON summary to stdout at the end. Exit status: 0, 1 when messages failed or the platform
 * refused provisioning, 2 for bad options.
 */
import { Option, type Command } from 'commander';
import { createLogger } from '../../platform/logging/logger.js';
import { KIND_NAMES } from './device-kinds.js';
import {
  parseSimulateOptions,
  SIMULATE_DEFAULTS,
  type RawSimulateOptions,
} from './simulate.options.js';
import { startStatusLine } from './simulation-status.js';
import { runSimulator } from './simulator.js';
import { SimulatorError } from './simulator-error.js';

export function registerSimulateCommand(cli: Command): void {
  cli
    .command('simulate')
    .description('Simulate the devices of a city (every vertical) against a running Civis')
    .option('--url <url>', `Civis HTTP base URL (default ${SIMULATE_DEFAULTS.url})`)
    .option('--mqtt-url <url>', `MQTT broker (default ${SIMULATE_DEFAULTS.mqttUrl})`)
    .option('--devices <n>', `number of devices (default ${SIMULATE_DEFAULTS.devices})`)
    .option('--rate <n>', 'messages per second, all devices together (default devices ÷ 10)')
    .option('--duration <s>', 'seconds to run (default: until Ctrl-C)')
    .addOption(
      new Option('--transport <mode>', 'how devices send (default mixed: 70 % MQTT)').choices([
        'mqtt',
        'http',
        'mixed',
      ]),
    )
    .option('--seed <n>', `seed of the fleet and its readings (default ${SIMULATE_DEFAULTS.seed})`)
    .option('--kinds <list>', `kinds of devices, comma-separated: ${KIND_NAMES.join(', ')}`)
    .option('--time-scale <x>', 'city time runs x times faster (default 1)')
    .option('--tenant <name>', 'NGSI-LD tenant (FIWARE service) of the devices')
    .option(
      '--prefix <p>',
      `prefix of device ids and apikeys (default ${SIMULATE_DEFAULTS.prefix})`,
    )
    .option('--no-provision', 'the devices exist already: only send')
    .option('--qos <0|1>', 'MQTT QoS (default 1)')
    .option(
      '--mqtt-auth <mode>',
      'device (user <apikey>/<device_id>, password apikey: the embedded broker) or shared',
    )
    .option('--mqtt-username <name>', 'shared MQTT credential (implies --mqtt-auth shared)')
    .option('--mqtt-password <secret>', 'shared MQTT credential')
    .option('--mqtt-connections <n>', 'connections of a shared pool (default 8)')
    .option('--http-connections <n>', 'HTTP keep-alive connections (default 16)')
    .option('--max-in-flight <n>', 'most unacknowledged messages (default 10000)')
    .option('--city <dir>', 'folder with city.json, districts.geojson, streets.geojson')
    .option('--log-level <level>', 'log level on stderr (default info)')
    .action(async (raw: RawSimulateOptions & { logLevel?: string }) => {
      process.exitCode = await simulateCommand(raw);
    });
}

async function simulateCommand(raw: RawSimulateOptions & { logLevel?: string }): Promise<number> {
  const logger = createLogger(raw.logLevel ?? 'info', process.stderr);
  try {
    const options = parseSimulateOptions(raw);
    let lastTenth = -1;
    const { simulation, provisioning } = await runSimulator(options, {
      logger,
      onProvisioningProgress: (done, total) => {
        const tenth = Math.floor((done / total) * 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        process.stderr.write(
          `provisioning ${done.toLocaleString('en')} / ${total.toLocaleString('en')} devices\n`,
        );
      },
    });
    const status = startStatusLine(process.stderr, simulation.stats);
    let interrupts = 0;
    const interrupt = () => {
      // The first Ctrl-C stops cleanly (messages in flight finish); the second does not wait.
      if (++interrupts > 1) process.exit(130);
      void simulation.stop();
    };
    process.on('SIGINT', interrupt);
    process.on('SIGTERM', interrupt);
    const final = await simulation.done;
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    status.stop();
    const summary = {
      ...final,
      messagesPerSec: final.elapsedSec > 0 ? Math.round(final.sent / final.elapsedSec) : 0,
      provisioning,
    };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return final.failed > 0 ? 1 : 0;
  } catch (error) {
    if (!(error instanceof SimulatorError)) throw error;
    process.stderr.write(`civis simulate: ${error.message}\n`);
    return error.exitCode;
  }
}
