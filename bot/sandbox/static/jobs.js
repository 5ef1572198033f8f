// "Run job" results: what the run queued, for whom, and when each message will appear, with
// a one-click "move the clock there" for messages that wait for someone's local time.
import { el } from "./blocks.js";

// rows: the server's `queued` list; onMove(dueInput) sets the sandbox clock.
export function renderQueued(box, rows, onMove) {
  box.replaceChildren();
  if (!rows || !rows.length) {
    box.append(el("div", "muted", "Nothing new planned: nothing was owed by then, or it already is in the "
      + "ledger (each message is sent once). Per-person jobs follow each person's local time."));
    return;
  }
  const waiting = rows.filter((r) => r.waiting).length;
  box.append(el("div", "queued-head", waiting
    ? `${rows.length} planned; ${waiting} wait${waiting === 1 ? "s" : ""} for the clock (each person's local time):`
    : `${rows.length} planned:`));
  const list = el("ul", "queued-list");
  const moves = new Set();
  for (const row of rows) {
    const item = el("li", `queued-row ${row.status}`);
    item.dataset.testid = "queued-row";
    item.append(el("span", "queued-who", row.who), el("span", "muted", ` · ${row.job} · `),
      el("span", "queued-when", row.due_local), el("span", "muted", ` · ${row.appears}`));
    if (row.waiting && !moves.has(row.due_input)) {
      moves.add(row.due_input);
      const move = el("button", "sk-btn small", `Move the clock to ${row.due_program}`);
      move.type = "button";
      move.dataset.testid = "move-clock";
      move.addEventListener("click", () => onMove(row.due_input, move));
      item.append(move);
    }
    list.append(item);
  }
  box.append(list);
}
