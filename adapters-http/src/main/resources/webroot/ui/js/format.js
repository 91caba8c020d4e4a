// Formatting of times, durations and states for people.

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** "2024-05-01 13:04:05" in the browser's time zone; "" for a missing value. */
export function formatTime(iso, withMillis = false) {
  if (!iso) {
    return '';
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return String(iso);
  }
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} `
    + `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return withMillis ? `${base}.${pad(d.getMilliseconds(), 3)}` : base;
}

/** "in 12 s", "3 min ago", "now". */
export function relative(iso, now = Date.now()) {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) {
    return '';
  }
  const seconds = Math.round((t - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 1) {
    return 'now';
  }
  let text;
  if (abs < 60) {
    text = `${abs} s`;
  } else if (abs < 3600) {
    text = `${Math.round(abs / 60)} min`;
  } else if (abs < 86400) {
    text = `${Math.round(abs / 360) / 10} h`;
  } else {
    text = `${Math.round(abs / 8640) / 10} d`;
  }
  return seconds > 0 ? `in ${text}` : `${text} ago`;
}

export function formatDuration(ms) {
  if (ms === undefined || ms === null) {
    return '';
  }
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The outcome of the latest attempt: "HTTP 500", or the transport error. */
export function outcome(status) {
  if (status.status_code !== undefined && status.status_code !== null) {
    return `HTTP ${status.status_code}`;
  }
  return status.error || '';
}

export function capitalize(text) {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

export function prettyJson(value) {
  return JSON.stringify(value, null, 2);
}
