/**
 * Page-load benchmark: what a person downloads and waits for when opening a
 * document, measured in a real Chromium against the real server, loopback
 * only. Tandem as served (precompressed assets) runs side by side with the
 * same page fetched without compression (the reference), in one run.
 *
 *   npm run bench:page            (builds first)
 *   RUNS=9 npm run bench:page
 *
 * Prints one JSON line and a table; figures are medians of RUNS cold loads.
 */
import { chromium, type Browser } from '@playwright/test';
import { findChromium } from '../tests/support/findChromium.js';
import { TestServer } from '../tests/support/TestServer.js';

const RUNS = Number(process.env.RUNS ?? 5);

interface Sample {
  transferredBytes: number;
  requests: number;
  /** Navigation start → the editor reports "connected" (synced with the server). */
  msToConnected: number;
}

async function coldLoad(browser: Browser, url: string, acceptEncoding: string | null): Promise<Sample> {
  const context = await browser.newContext(acceptEncoding === null ? {} : { extraHTTPHeaders: { 'accept-encoding': acceptEncoding } });
  const page = await context.newPage();
  const sizes: Promise<number>[] = [];
  page.on('requestfinished', (request) => sizes.push(request.sizes().then((size) => size.responseBodySize + size.responseHeadersSize)));
  await page.goto(url);
  await page.waitForSelector('[data-testid="connection-status"][data-status="connected"]');
  const msToConnected = await page.evaluate(() => performance.now());
  const transferred = await Promise.all(sizes);
  await context.close();
  return { transferredBytes: transferred.reduce((sum, bytes) => sum + bytes, 0), requests: transferred.length, msToConnected };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<void> {
  const choice = findChromium();
  const browser = await chromium.launch({ executablePath: choice.executablePath, args: choice.args });
  const server = await TestServer.start();
  try {
    const url = `${server.httpUrl}/d/bench-page-load`;
    await coldLoad(browser, url, null); // warm the server's file cache, not the browser's
    const variants = { tandem: [] as Sample[], uncompressed: [] as Sample[] };
    // Interleaved, so drift on the machine affects both variants alike.
    for (let run = 0; run < RUNS; run += 1) {
      variants.tandem.push(await coldLoad(browser, url, null));
      variants.uncompressed.push(await coldLoad(browser, url, 'identity'));
    }
    const summary = Object.fromEntries(
      Object.entries(variants).map(([name, samples]) => [
        name,
        {
          transferredBytes: median(samples.map((sample) => sample.transferredBytes)),
          requests: median(samples.map((sample) => sample.requests)),
          msToConnected: Math.round(median(samples.map((sample) => sample.msToConnected))),
        },
      ]),
    ) as Record<keyof typeof variants, Sample>;
    const ratios = {
      transferredBytes: +(summary.tandem.transferredBytes / summary.uncompressed.transferredBytes).toFixed(3),
      msToConnected: +(summary.tandem.msToConnected / summary.uncompressed.msToConnected).toFixed(3),
    };
    console.log(JSON.stringify({ scenario: 'page-load', runs: RUNS, browser: choice.source, ...summary, ratios }));
    console.table({
      'bytes transferred': { tandem: summary.tandem.transferredBytes, uncompressed: summary.uncompressed.transferredBytes, ratio: ratios.transferredBytes },
      requests: { tandem: summary.tandem.requests, uncompressed: summary.uncompressed.requests, ratio: '' },
      'ms to connected': { tandem: summary.tandem.msToConnected, uncompressed: summary.uncompressed.msToConnected, ratio: ratios.msToConnected },
    });
  } finally {
    await server.dispose();
    await browser.close();
  }
}

await main();
