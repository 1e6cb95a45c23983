/**
 * The benchmarks of issue #3 for one storage adapter, each on a fresh server and store:
 * 1. notifications: 1,000 streetlights, a notification receiver in this process, then the
 *    notify-latency and subscription-scaling scenarios (scenarios/notifications.scenario.ts);
 * 2. history: the temporal scenarios (scenarios/history.scenario.ts).
 */
import type { Adapter, BenchOptions, ChangeScenarioName } from './bench-options.js';
import { loadStreetlights } from './ngsi-client.js';
import { startNotificationReceiver } from './notification-receiver.js';
import { loadProgress } from './progress.js';
import type { ServerProcess } from './server-process.js';
import { benchHistory, type HistoryReport } from './scenarios/history.scenario.js';
import {
  benchNotifyLatency,
  benchSubscriptionScaling,
  type NotificationLatencyReport,
  type SubscriptionScalingReport,
} from './scenarios/notifications.scenario.js';

export interface ChangeReport {
  notifyLatency?: NotificationLatencyReport;
  subscriptionScaling?: SubscriptionScalingReport;
  history?: HistoryReport;
}

const NOTIFICATION_ENTITIES = 1_000;

export async function benchChanges(
  adapter: Adapter,
  options: BenchOptions,
  withServer: (run: (server: ServerProcess) => Promise<void>) => Promise<void>,
): Promise<ChangeReport> {
  const wanted = (scenario: ChangeScenarioName) =>
    options.only === undefined || options.only.includes(scenario);
  const report: ChangeReport = {};
  const settings = {
    durationSec: options.durationSec,
    warmupSec: options.warmupSec,
    connections: options.connections,
  };

  if (wanted('notify-latency') || wanted('subscription-scaling')) {
    await withServer(async (server) => {
      await loadStreetlights(
        server.url,
        NOTIFICATION_ENTITIES,
        loadProgress(`${adapter} seeding`, NOTIFICATION_ENTITIES),
      );
      const receiver = await startNotificationReceiver();
      try {
        if (wanted('notify-latency'))
          report.notifyLatency = await benchNotifyLatency(
            adapter,
            server.url,
            receiver,
            options.durationSec,
          );
        if (wanted('subscription-scaling'))
          report.subscriptionScaling = await benchSubscriptionScaling(
            adapter,
            server.url,
            receiver,
            settings,
          );
      } finally {
        await receiver.close();
      }
    });
  }

  if (wanted('history')) {
    await withServer(async (server) => {
      report.history = await benchHistory(adapter, server.url, {
        instances: options.historyInstances,
        lastNSettings: settings,
      });
    });
  }
  return report;
}
