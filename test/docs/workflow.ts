// A structural check of a GitHub Actions workflow (no YAML library in the tree): indentation,
// the keys GitHub requires, pinned actions, and the list of `run:` commands for the test to run.

export function checkWorkflow(yaml: string): string[] {
  const lines = yaml.split('\n');
  const problems: string[] = [];
  lines.forEach((line, i) => {
    if (line.includes('\t')) problems.push(`line ${i + 1}: tab`);
    const indent = /^ */.exec(line)![0].length;
    if (line.trim() && indent % 2 !== 0) problems.push(`line ${i + 1}: odd indentation`);
  });
  for (const key of ['name', 'on', 'jobs']) {
    if (!new RegExp(`^${key}:`, 'm').test(yaml)) problems.push(`no top-level "${key}:"`);
  }
  if (!/^\s+runs-on:\s*\S+/m.test(yaml)) problems.push('no runs-on');
  if (!/^\s+steps:\s*$/m.test(yaml)) problems.push('no steps');
  for (const m of yaml.matchAll(/uses:\s*(\S+)/g)) {
    if (!/^actions\/(checkout|setup-node|upload-artifact)@v\d+$/.test(m[1]) && !/^github\/codeql-action\/upload-sarif@v\d+$/.test(m[1])) {
      problems.push(`unexpected action ${m[1]}`);
    }
  }
  if (problems.length) throw new Error(`workflow: ${problems.join('; ')}`);
  return [...yaml.matchAll(/^\s+(?:- )?run:\s*(.+)$/gm)].map((m) => m[1].trim());
}
