// Slack mrkdwn → DOM nodes. Text only ever lands in text nodes (never innerHTML), and
// Slack's three entities (&lt; &gt; &amp;) are decoded the way Slack's client shows them.

const ENTITIES = { lt: "<", gt: ">", amp: "&" };

export const EMOJI = {
  wave: "👋", warning: "⚠️", white_check_mark: "✅", heavy_check_mark: "✔️", x: "❌",
  raising_hand: "🙋", checkered_flag: "🏁", tada: "🎉", rotating_light: "🚨", memo: "📝",
  bar_chart: "📊", chart_with_upwards_trend: "📈", chart_with_downwards_trend: "📉",
  clipboard: "📋", calendar: "📅", bell: "🔔", mag: "🔍", bulb: "💡", rocket: "🚀",
  thinking_face: "🤔", eyes: "👀", lock: "🔒", unlock: "🔓", hourglass: "⌛",
  hourglass_flowing_sand: "⏳", stopwatch: "⏱️", clock: "🕐", large_green_circle: "🟢",
  large_yellow_circle: "🟡", red_circle: "🔴", large_red_circle: "🔴", white_circle: "⚪",
  green_circle: "🟢", yellow_circle: "🟡", large_blue_circle: "🔵", blue_circle: "🔵",
  arrow_right: "➡️", arrow_up: "⬆️", arrow_down: "⬇️", point_right: "👉", pushpin: "📌",
  sparkles: "✨", star: "⭐", fire: "🔥", thumbsup: "👍", "+1": "👍", thumbsdown: "👎",
  "-1": "👎", no_entry: "⛔", no_entry_sign: "🚫", question: "❓", exclamation: "❗",
  information_source: "ℹ️", books: "📚", book: "📖", mortar_board: "🎓", trophy: "🏆",
  dart: "🎯", scales: "⚖️", shield: "🛡️", wrench: "🔧", gear: "⚙️", hammer_and_wrench: "🛠️",
  speech_balloon: "💬", busts_in_silhouette: "👥", bust_in_silhouette: "👤", inbox_tray: "📥",
  outbox_tray: "📤", envelope: "✉️", repeat: "🔁", arrows_counterclockwise: "🔄", construction: "🚧",
  traffic_light: "🚦", vertical_traffic_light: "🚦", sos: "🆘", smile: "😄", slightly_smiling_face: "🙂",
  pray: "🙏", muscle: "💪", clap: "👏", ok_hand: "👌", heavy_plus_sign: "➕", heavy_minus_sign: "➖",
  one: "1️⃣", two: "2️⃣", three: "3️⃣", four: "4️⃣", five: "5️⃣", file_folder: "📁",
  page_facing_up: "📄", link: "🔗", triangular_flag_on_post: "🚩", pause_button: "⏸️",
  arrow_forward: "▶️", leftwards_arrow_with_hook: "↩️", zap: "⚡", hospital: "🏥",
  robot_face: "🤖", palm_tree: "🌴", ballot_box_with_check: "☑️", raised_hands: "🙌",
  newspaper: "📰", incoming_envelope: "📨", double_vertical_bar: "⏸️", clock3: "🕒",
  calendar_spiral: "🗓️", spiral_calendar_pad: "🗓️", date: "📅", heavy_exclamation_mark: "❗",
  grey_question: "❔", grey_exclamation: "❕", heavy_multiplication_x: "✖️", scroll: "📜",
};

export function decode(text) {
  return String(text).replace(/&(lt|gt|amp);/g, (_, name) => ENTITIES[name]);
}

export function emojify(text) {
  return String(text).replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] || whole);
}

function textNode(raw) {
  return document.createTextNode(emojify(decode(raw)));
}

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function safeUrl(url) {
  try {
    const parsed = new URL(url, window.location.href);
    return ["http:", "https:", "mailto:"].includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

// *bold*, _italic_, ~strike~: a delimiter opens after a non-word character, closes before one.
function emphasis(d) {
  const e = d === "*" ? "\\*" : d;
  return new RegExp(
    `(?<![\\p{L}\\p{N}${e}])${e}(?=[^\\s${e}])([^${e}\\n]*[^\\s${e}])${e}(?![\\p{L}\\p{N}])`, "gu");
}

const PATTERNS = [
  ["code", /`([^`\n]+)`/g],
  ["angle", /<([^<>\n]+)>/g],
  ["b", emphasis("*")],
  ["i", emphasis("_")],
  ["s", emphasis("~")],
];

function angle(inner, ctx) {
  const bar = inner.indexOf("|");
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : "";
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const span = make("span", "mention", "@" + (label ? decode(label) : ctx.userName(id)));
    if (id === ctx.me) span.classList.add("mention-me");
    return span;
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    return make("span", "mention", "#" + (label ? decode(label) : ctx.channelName(id)));
  }
  if (target.startsWith("!")) {
    const special = target.slice(1).split("^")[0];
    if (["here", "channel", "everyone"].includes(special)) {
      return make("span", "mention mention-broadcast", "@" + special);
    }
    if (special === "date") return dateToken(target.slice(1), label, ctx);
    return make("span", "mention", decode(label || target.slice(1)));
  }
  const href = safeUrl(decode(target));
  if (!href) return textNode(label || target);
  const a = make("a", "link", emojify(decode(label || target)));
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  return a;
}

// <!date^epoch^format^link|fallback>: shown in the viewer's timezone, as Slack shows it.
const DATE_TOKEN = /\{(date_num|date_short_pretty|date_long_pretty|date_pretty|date_short|date_long|date|time_secs|time|ago)\}/g;

function ordinal(day) {
  const teen = day % 100 >= 11 && day % 100 <= 13;
  return day + (teen ? "th" : ({ 1: "st", 2: "nd", 3: "rd" }[day % 10] || "th"));
}

function formatDate(epoch, token, ctx) {
  const at = new Date(epoch * 1000);
  const tz = ctx.tz || undefined;
  const part = (options) => new Intl.DateTimeFormat("en-US", { timeZone: tz, ...options }).format(at);
  const dayKey = (when) => new Intl.DateTimeFormat("en-CA", { timeZone: tz }).format(when);
  const pretty = () => {
    const now = ctx.now ? new Date(ctx.now * 1000) : new Date();
    const day = 86400000;
    const names = { [dayKey(now)]: "today", [dayKey(new Date(now - day))]: "yesterday", [dayKey(new Date(+now + day))]: "tomorrow" };
    return names[dayKey(at)];
  };
  const long = () => `${part({ month: "long" })} ${ordinal(Number(part({ day: "numeric" })))}, ${part({ year: "numeric" })}`;
  switch (token) {
    case "date_num": return dayKey(at);
    case "date": return long();
    case "date_short": return part({ month: "short", day: "numeric", year: "numeric" });
    case "date_long": return `${part({ weekday: "long" })}, ${long()}`;
    case "date_pretty": return pretty() || long();
    case "date_short_pretty": return pretty() || part({ month: "short", day: "numeric", year: "numeric" });
    case "date_long_pretty": return pretty() || `${part({ weekday: "long" })}, ${long()}`;
    case "time": return part({ hour: "numeric", minute: "2-digit" });
    case "time_secs": return part({ hour: "numeric", minute: "2-digit", second: "2-digit" });
    case "ago": {
      const seconds = Math.round((ctx.now || Date.now() / 1000) - epoch);
      const steps = [[86400, "day"], [3600, "hour"], [60, "minute"]];
      for (const [size, unit] of steps) {
        const n = Math.floor(Math.abs(seconds) / size);
        if (n >= 1) return seconds >= 0 ? `${n} ${unit}${n === 1 ? "" : "s"} ago` : `in ${n} ${unit}${n === 1 ? "" : "s"}`;
      }
      return "just now";
    }
    default: return token;
  }
}

function dateToken(spec, label, ctx) {
  const [, rawEpoch, format, link] = spec.split("^");
  const epoch = Number(rawEpoch);
  const span = make("span", "date");
  if (!format || !Number.isFinite(epoch)) {
    span.textContent = decode(label || spec);
    return span;
  }
  const text = emojify(decode(format)).replace(DATE_TOKEN, (_, token) => formatDate(epoch, token, ctx));
  const href = link && safeUrl(decode(link));
  if (!href) {
    span.textContent = text;
    return span;
  }
  const a = make("a", "link date", text);
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  return a;
}

export function inline(text, ctx) {
  const out = [];
  let pos = 0;
  while (pos < text.length) {
    let best = null;
    for (const [kind, re] of PATTERNS) {
      re.lastIndex = pos;
      const m = re.exec(text);
      if (m && (!best || m.index < best.m.index)) best = { kind, m };
    }
    if (!best) break;
    if (best.m.index > pos) out.push(textNode(text.slice(pos, best.m.index)));
    const inner = best.m[1];
    if (best.kind === "code") out.push(make("code", "mrkdwn-code", decode(inner)));
    else if (best.kind === "angle") out.push(angle(inner, ctx));
    else {
      const node = make(best.kind);
      node.append(...inline(inner, ctx));
      out.push(node);
    }
    pos = best.m.index + best.m[0].length;
  }
  if (pos < text.length) out.push(textNode(text.slice(pos)));
  return out;
}

const QUOTE = /^(?:&gt;|>) ?(.*)$/;

function lines(parent, segment, ctx) {
  const rows = segment.split("\n");
  let needBreak = false;
  for (let i = 0; i < rows.length; ) {
    if (QUOTE.test(rows[i])) {
      const quote = make("blockquote", "mrkdwn-quote");
      for (let first = true; i < rows.length && QUOTE.test(rows[i]); i++, first = false) {
        if (!first) quote.append("\n");
        quote.append(...inline(QUOTE.exec(rows[i])[1], ctx));
      }
      parent.append(quote);
      needBreak = false;
    } else {
      if (needBreak) parent.append("\n");
      parent.append(...inline(rows[i], ctx));
      needBreak = true;
      i++;
    }
  }
}

// A mrkdwn string as a DocumentFragment. ctx: {me, userName(id), channelName(id)}.
export function renderMrkdwn(text, ctx) {
  const frag = document.createDocumentFragment();
  const parts = String(text ?? "").split("```");
  const closed = parts.length % 2 === 1; // an odd count of fences leaves the last one literal
  parts.forEach((part, i) => {
    const isCode = i % 2 === 1 && (closed || i < parts.length - 1);
    if (isCode) {
      frag.append(make("pre", "mrkdwn-pre", decode(part.replace(/^\n/, ""))));
      return;
    }
    let seg = i % 2 === 1 ? "```" + part : part;
    if (i > 0 && parts.length > 1) seg = seg.replace(/^\n/, "");
    if (i < parts.length - 1) seg = seg.replace(/\n$/, "");
    lines(frag, seg, ctx);
  });
  return frag;
}

export function renderPlain(textObject) {
  if (!textObject) return document.createTextNode("");
  const text = typeof textObject === "string" ? textObject : textObject.text ?? "";
  const emoji = typeof textObject === "object" ? textObject.emoji !== false : true;
  return document.createTextNode(emoji ? emojify(text) : text);
}

// A text object of either type.
export function renderText(textObject, ctx) {
  if (textObject && textObject.type === "mrkdwn") return renderMrkdwn(textObject.text, ctx);
  return renderPlain(textObject);
}
