using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace LesaHiCache.Cli;

/// <summary>Writes log lines through Spectre.Console so they print above a live progress bar.</summary>
internal sealed class SpectreLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new SpectreLogger();

    public void Dispose()
    {
    }

    private sealed class SpectreLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var color = logLevel >= LogLevel.Warning ? "yellow" : "grey";
            AnsiConsole.MarkupLine($"[{color}]{DateTime.Now:HH:mm:ss}[/] {Markup.Escape(formatter(state, exception))}");
        }
    }
}
