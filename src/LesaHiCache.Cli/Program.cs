using LesaHiCache.Cli;

return CliApp.Run(args, Console.Error);
