using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace LesaHiCache.Cli;

/// <summary>Logger factory for long commands: Spectre lines on a terminal, plain console lines otherwise.</summary>
internal static class CliLogging
{
    public static bool Interactive => AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;

    public static ILoggerFactory Create() => LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(LogLevel.Information);
        if (Interactive)
        {
            builder.AddProvider(new SpectreLoggerProvider());
        }
        else
        {
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }
    });

    /// <summary>Runs <paramref name="work"/> with a progress bar (terminal) or without (redirected output).</summary>
    public static T WithProgress<T>(string title, Func<Action<double, string>, T> work)
    {
        if (!Interactive)
        {
            return work((_, _) => { });
        }

        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: 1.0);
                return work((fraction, description) =>
                {
                    task.Value = fraction;
                    task.Description = Markup.Escape(description);
                });
            });
    }

    /// <summary>Cancels the token on the first Ctrl+C, so long work can stop cleanly.</summary>
    public static CancellationTokenSource CancelOnCtrlC()
    {
        var source = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (!source.IsCancellationRequested)
            {
                e.Cancel = true;
                source.Cancel();
            }
        };
        return source;
    }
}
