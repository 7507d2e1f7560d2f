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
    private readonly Lock _lock = new();
    private readonly List<TrainingJob> _jobs = [];

    public int Active
    {
        get
        {
            lock (_lock)
            {
                return _jobs.Count;
            }
        }
    }

    public TrainingJob Start()
    {
        var job = new TrainingJob(this);
        lock (_lock)
        {
            _jobs.Add(job);
        }

        return job;
    }

    public JsonArray ToJson()
    {
        lock (_lock)
        {
            return new JsonArray(_jobs.Select(j => (JsonNode)j.ToJson()).ToArray());
        }
    }

    private void End(TrainingJob job)
    {
        lock (_lock)
        {
            _jobs.Remove(job);
        }
    }

    /// <summary>One run: reports from the training thread, read by <c>/status</c>.</summary>
    public sealed class TrainingJob(TrainingJobs jobs) : IProgress<TrainingProgress>, IDisposable
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly List<(string Stage, TimeSpan Took)> _finished = [];
        private string? _stage;
        private double _done;
        private TimeSpan _stageStart;

        public void Report(TrainingProgress value)
        {
            lock (_finished)
            {
                if (value.Stage != _stage)
                {
                    FinishStage();
                    (_stage, _stageStart) = (value.Stage, _clock.Elapsed);
                }

                _done = value.Done;
            }
        }

        /// <summary>The stages and their times (the last one up to now), for the response header: <c>intents 0.41s, entities 1.20s</c>.</summary>
        public string Summary()
        {
            lock (_finished)
            {
                var stages = _stage is null ? _finished : [.. _finished, (_stage, _clock.Elapsed - _stageStart)];
                return string.Join(", ", stages.Select(f => FormattableString.Invariant($"{f.Stage} {f.Took.TotalSeconds:F2}s")));
            }
        }

        public JsonObject ToJson()
        {
            lock (_finished)
            {
                return new JsonObject
                {
                    ["stage"] = _stage,
                    ["progress"] = Math.Round(_done, 3),
                    ["elapsed"] = Math.Round(_clock.Elapsed.TotalSeconds, 3),
                    ["finished_stages"] = new JsonObject(_finished.Select(f => KeyValuePair.Create(f.Stage, (JsonNode?)Math.Round(f.Took.TotalSeconds, 3)))),
                };
            }
        }

        public void Dispose() => jobs.End(this);

        private void FinishStage()
        {
            if (_stage is not null)
            {
                _finished.Add((_stage, _clock.Elapsed - _stageStart));
            }
        }
    }
}
