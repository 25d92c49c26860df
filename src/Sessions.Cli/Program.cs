using Sessions.Cli;
using Sessions.Cli.Output;

return await CliApp.RunAsync(args, CliConsole.System);
