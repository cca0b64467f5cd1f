import type { Command } from 'commander';

/** A command's place in the tree: its words from the root, subcommand names and option flags. */
export interface CompletionNode {
  path: string[];
  subcommands: string[];
  options: string[];
}

/** Walks the commander tree (aliases included, hidden help commands too). */
export function completionTree(root: Command): CompletionNode[] {
  const nodes: CompletionNode[] = [];
  const globals = root.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
  const visit = (cmd: Command, path: string[]) => {
    const own = cmd === root ? [] : cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f));
    nodes.push({ path, subcommands: cmd.commands.flatMap((c) => [c.name(), ...c.aliases()]), options: [...new Set([...own, ...globals, '--help'])] });
    for (const c of cmd.commands) for (const name of [c.name(), ...c.aliases()]) visit(c, [...path, name]);
  };
  visit(root, []);
  return nodes;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A bash completion script for the tree: the words typed so far (options skipped) select the node, whose
 * subcommands and options are offered. zsh loads the same function through bashcompinit.
 */
export function bashCompletion(root: Command, bin = root.name()): string {
  const fn = `_${bin.replace(/[^A-Za-z0-9_]/g, '_')}_complete`;
  const nodes = completionTree(root);
  const cases = nodes.map((n) => `    ${quote(n.path.join(' '))}) words=${quote([...n.subcommands, ...n.options].join(' '))} ;;`).join('\n');
  const known = nodes.filter((n) => n.path.length > 0).map((n) => quote(n.path.join(' '))).join('|');
  return `# ${bin} completion for bash (source it, or save it under /etc/bash_completion.d/)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" next i w words
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    next="\${path:+$path }$w"
    case "$next" in
      ${known || "''"}) path="$next" ;;
    esac
  done
  case "$path" in
${cases}
    *) words='' ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F ${fn} ${bin}
`;
}

/** The zsh script: bash's, through bashcompinit. */
export function zshCompletion(root: Command, bin = root.name()): string {
  return `#compdef ${bin}
# ${bin} completion for zsh: add to ~/.zshrc:  eval "$(${bin} completion zsh)"
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(root, bin).split('\n').slice(1).join('\n')}`;
}
