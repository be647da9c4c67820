// Salesforce's datetime text ("2026-11-01T08:30:00.000+0000"), written from character codes into one flat string:
// seeding a million users formats several million of them, and Date#toISOString plus a replace costs a microsecond
// and two strings each.
const DAY = 86400000;
const days = new Map<number, number[]>();
const c: number[] = new Array(28).fill(48);

function put(at: number, n: number, width: number): void {
  for (let i = at + width - 1; i >= at; i--, n = Math.floor(n / 10)) c[i] = 48 + (n % 10);
}

/** `t` (milliseconds since the epoch) as Salesforce writes a datetime: UTC, milliseconds, "+0000". */
export function isoOf(t: number): string {
  if (!Number.isFinite(t) || t < 0 || t >= 253402300800000) return new Date(t).toISOString().replace('Z', '+0000');
  const day = Math.floor(t / DAY);
  let prefix = days.get(day);
  if (!prefix) {
    prefix = [...new Date(day * DAY).toISOString().slice(0, 11)].map(ch => ch.charCodeAt(0));
    if (days.size > 20000) days.clear();
    days.set(day, prefix);
  }
  for (let i = 0; i < 11; i++) c[i] = prefix[i];
  let ms = t - day * DAY;
  put(11, Math.floor(ms / 3600000), 2);
  c[13] = 58;
  ms %= 3600000;
  put(14, Math.floor(ms / 60000), 2);
  c[16] = 58;
  ms %= 60000;
  put(17, Math.floor(ms / 1000), 2);
  c[19] = 46;
  put(20, ms % 1000, 3);
  c[23] = 43; // +0000
  c[24] = c[25] = c[26] = c[27] = 48;
  return String.fromCharCode(
    c[0],
    c[1],
    c[2],
    c[3],
    c[4],
    c[5],
    c[6],
    c[7],
    c[8],
    c[9],
    c[10],
    c[11],
    c[12],
    c[13],
    c[14],
    c[15],
    c[16],
    c[17],
    c[18],
    c[19],
    c[20],
    c[21],
    c[22],
    c[23],
    c[24],
    c[25],
    c[26],
    c[27],
  );
}
