using System.Diagnostics;
using Switchboard.Bot.Model;

namespace Switchboard.ApiGateway.Hosting;

/// <summary>
/// The <c>train</c> command's progress: one bar per training stage, redrawn in place on a terminal; when the
/// output is a file or pipe, one line as each stage starts and one as it ends, so logs stay readable.
/// </summary>
public sealed class TrainingProgressBar(TextWriter output, Stopwatch clock, bool interactive) : IProgress<TrainingProgress>
{
    private const int Width = 30;

    private string? stage;
    private TimeSpan stageStart;
    private int drawn = -1;

    public void Report(TrainingProgress value)
    {
        lock (output)
        {
            if (value.Stage != stage)
            {
                EndStage();
                this.stage = value.Stage;
                this.stageStart = clock.Elapsed;
                this.drawn = -1;
                if (!interactive || value.Detail is not null)
                {
                    output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1}s] {value.Stage}{(value.Detail is null ? "" : ": " + value.Detail)}");
                }
            }

            var percent = (int)Math.Round(Math.Clamp(value.Done, 0, 1) * 100);
            if (interactive && percent != drawn)
            {
                this.drawn = percent;
                var filled = percent * Width / 100;
                output.Write($"\r  {value.Stage,-10} [{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}%  {(clock.Elapsed - stageStart).TotalSeconds,5:F1}s");
            }
        }
    }

    /// <summary>Closes the last stage's bar.</summary>
    public void Finish()
    {
        lock (output)
        {
            EndStage();
            this.stage = null;
        }
    }

    private void EndStage()
    {
        if (stage is null)
        {
            return;
        }

        if (interactive)
        {
            output.WriteLine();
        }
        else
        {
            output.WriteLine($"[{clock.Elapsed.TotalSeconds,6:F1}s] {stage} done in {(clock.Elapsed - stageStart).TotalSeconds:F1}s");
        }
    }
}
