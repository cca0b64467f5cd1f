import { Argument, type Command } from 'commander';
import type { Runtime } from '../context.ts';
import { bashCompletion, zshCompletion } from '../completion/completion-script.ts';

/** `hookline completion bash|zsh`: prints a completion script. */
export function completionCommand(program: Command, runtime: Runtime): void {
  program
    .command('completion')
    .description('print a shell completion script')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .addHelpText('after', '\nInstall:\n  bash: echo \'eval "$(hookline completion bash)"\' >> ~/.bashrc\n  zsh:  echo \'eval "$(hookline completion zsh)"\' >> ~/.zshrc')
    .action(async (shell: 'bash' | 'zsh') => {
      runtime.stdout.write(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });
}
