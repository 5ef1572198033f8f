// @-mentions in the composer, as Slack's client does them: typing "@" offers the people in
// the workspace, choosing one writes "@Name", and on send every "@Name" (chosen, or typed in
// full) becomes Slack's escaped mention: <@U123|handle> in a slash command (the manifests set
// should_escape), <@U123> in a message. Unknown "@words" are sent as typed.
import { el } from "./blocks.js";

const WORD = /(^|\s)@([^\s@<>]*)$/;

export const handle = (person) => person.name.toLowerCase().replace(/\s+/g, ".");

// Longest names first, so "@Ben Okafor" wins over "@Ben"; first names only when unambiguous.
function aliases(people) {
  const out = [];
  const firsts = {};
  for (const p of people) {
    const first = p.name.split(/\s+/)[0].toLowerCase();
    firsts[first] = (firsts[first] || 0) + 1;
  }
  for (const p of people) {
    out.push([p.name, p], [handle(p), p]);
    const first = p.name.split(/\s+/)[0];
    if (firsts[first.toLowerCase()] === 1 && first !== p.name) out.push([first, p]);
  }
  return out.sort((a, b) => b[0].length - a[0].length);
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function encodeMentions(text, people, { command }) {
  let out = text;
  for (const [alias, person] of aliases(people)) {
    const re = new RegExp(`(^|[\\s(])@${escapeRe(alias)}(?=$|[\\s,.;:!?)])`, "gi");
    const token = command ? `<@${person.id}|${handle(person)}>` : `<@${person.id}>`;
    out = out.replace(re, (_m, before) => `${before}${token}`);
  }
  return out;
}

// Wires the autocomplete list to one textarea; people() returns who can be mentioned now.
export function attachMentions(input, people) {
  const list = el("ul", "mention-menu");
  list.dataset.testid = "mention-menu";
  list.hidden = true;
  input.closest(".composer").append(list);
  let matches = [];
  let active = 0;

  const close = () => { list.hidden = true; matches = []; };
  const choose = (person) => {
    const caret = input.selectionStart;
    const head = input.value.slice(0, caret).replace(WORD, (_m, before) => `${before}@${person.name} `);
    input.value = head + input.value.slice(caret);
    input.setSelectionRange(head.length, head.length);
    close();
    input.focus();
  };
  const show = () => {
    const found = input.value.slice(0, input.selectionStart).match(WORD);
    if (!found) { close(); return; }
    const typed = found[2].toLowerCase();
    matches = people().filter((p) => p.name.toLowerCase().split(/\s+/).concat(p.name.toLowerCase(), handle(p))
      .some((part) => part.startsWith(typed))).slice(0, 8);
    if (!matches.length) { close(); return; }
    active = Math.min(active, matches.length - 1);
    list.replaceChildren(...matches.map((p, i) => {
      const item = el("li", `mention-item${i === active ? " active" : ""}`);
      item.dataset.testid = "mention-option";
      item.append(el("span", "mention-name", p.name), el("span", "muted", ` @${handle(p)}`));
      item.addEventListener("mousedown", (ev) => { ev.preventDefault(); choose(p); });
      return item;
    }));
    list.hidden = false;
  };
  input.addEventListener("input", () => { active = 0; show(); });
  input.addEventListener("blur", close);
  // Runs before the composer's own Enter-to-send (registered first): Enter or Tab chooses.
  input.addEventListener("keydown", (ev) => {
    if (list.hidden || !matches.length) return;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      active = (active + (ev.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
      show();
    } else if (ev.key === "Enter" || ev.key === "Tab") {
      choose(matches[active]);
    } else if (ev.key === "Escape") {
      close();
    } else {
      return;
    }
    ev.preventDefault();
    ev.stopImmediatePropagation();
  });
}
