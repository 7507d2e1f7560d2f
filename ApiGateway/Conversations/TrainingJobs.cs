using System.Diagnostics;
using System.Text.Json.Nodes;
using Switchboard.Bot.Model;

namespace Switchboard.ApiGateway.Conversations;

/// <summary>
/// The training runs in progress on this gateway: how many (<c>num_active_training_jobs</c> of <c>/status</c>)
/// and how far each is (<c>training_jobs</c>: the stage running, its share done, and the stages finished with
/// their times).
/// </summary>
public sealed class TrainingJobs
{
    private readonly Lock gate = new();
    private readonly List<TrainingJob> jobs = [];

    public int Active
    {
        get
        {
            lock (gate)
            {
                return jobs.Count;
            }
        }
    }

    public TrainingJob Start()
    {
        var job = new TrainingJob(this);
        lock (gate)
        {
            jobs.Add(job);
        }

        return job;
    }

    public JsonArray ToJson()
    {
        lock (gate)
        {
            return new JsonArray(jobs.Select(j => (JsonNode)j.ToJson()).ToArray());
        }
    }

    private void End(TrainingJob job)
    {
        lock (gate)
        {
            jobs.Remove(job);
        }
    }

    /// <summary>One run: reports from the training thread, read by <c>/status</c>.</summary>
    public sealed class TrainingJob(TrainingJobs jobs) : IProgress<TrainingProgress>, IDisposable
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly List<(string Stage, TimeSpan Took)> finished = [];
        private string? stage;
        private double done;
        private TimeSpan stageStart;

        public void Report(TrainingProgress value)
        {
            lock (finished)
            {
                if (value.Stage != stage)
                {
                    FinishStage();
                    (stage, stageStart) = (value.Stage, clock.Elapsed);
                }

                this.done = value.Done;
            }
        }

        /// <summary>The stages and their times (the last one up to now), for the response header: <c>intents 0.41s, entities 1.20s</c>.</summary>
        public string Summary()
        {
            lock (finished)
            {
                var stages = stage is null ? finished : [.. finished, (stage, clock.Elapsed - stageStart)];
                return string.Join(", ", stages.Select(f => FormattableString.Invariant($"{f.Stage} {f.Took.TotalSeconds:F2}s")));
            }
        }

        public JsonObject ToJson()
        {
            lock (finished)
            {
                return new JsonObject
                {
                    ["stage"] = stage,
                    ["progress"] = Math.Round(done, 3),
                    ["elapsed"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                    ["finished_stages"] = new JsonObject(finished.Select(f => KeyValuePair.Create(f.Stage, (JsonNode?)Math.Round(f.Took.TotalSeconds, 3)))),
                };
            }
        }

        public void Dispose() => jobs.End(this);

        private void FinishStage()
        {
            if (stage is not null)
            {
                finished.Add((stage, clock.Elapsed - stageStart));
            }
        }
    }
}
