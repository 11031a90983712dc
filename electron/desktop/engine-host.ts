import { MessageChannelMain, utilityProcess } from 'electron';
import type { UtilityProcess, WebFrameMain } from 'electron';
import type { EngineStatusMessage, StartMessage } from '../engine/process.js';
import { bridgeChannels } from '../../shared/api/bridge.js';

export interface EngineHostOptions {
  /** out/electron/engine/process.js */
  entry: string;
  start: StartMessage;
  /** The engine process died without being asked to stop. */
  onUnexpectedExit: (code: number) => void;
  log: (message: string) => void;
}

export interface EngineHost {
  /**
   * Gives one page its own MessagePort to the engine; main is no longer in the data path. A
   * wallboard window's port is read-only and redacted in the engine, like a screen link.
   */
  connect(frame: WebFrameMain, options?: { wall: boolean }): void;
  stop(): Promise<void>;
}

/**
 * Runs the engine in a utilityProcess (https://www.electronjs.org/docs/latest/api/utility-process)
 * so parsing and SQLite never block the main process, and brokers one MessageChannelMain per
 * page: one end to the engine, the other to that page's preload.
 */
export function startEngineProcess(options: EngineHostOptions): EngineHost {
  let stopping = false;
  const child: UtilityProcess = utilityProcess.fork(options.entry, [], {
    serviceName: 'Daytwo engine',
    stdio: 'inherit',
  });
  child.on('message', (message: EngineStatusMessage) => {
    if (message.type === 'failed') options.log(message.message);
  });
  const exited = new Promise<number>((resolve) => child.once('exit', resolve));
  void exited.then((code) => {
    if (!stopping) options.onUnexpectedExit(code);
  });
  child.postMessage(options.start);

  return {
    connect(frame, how) {
      const { port1, port2 } = new MessageChannelMain();
      try {
        frame.postMessage(bridgeChannels.enginePort, null, [port2]);
      } catch (error) {
        // The page went away between asking and answering; it will ask again if it comes back.
        port1.close();
        options.log(`could not hand a page its engine port: ${String(error)}`);
        return;
      }
      child.postMessage({ type: 'connect', wall: how?.wall === true }, [port1]);
    },
    async stop() {
      stopping = true;
      child.postMessage({ type: 'stop' });
      // The engine closes SQLite cleanly (WAL checkpoint) and exits; a stuck one is killed.
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 3000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') child.kill();
    },
  };
}
