namespace Switchboard.ApiGateway.Conversations;

/// <summary>Counts the training runs in progress on this gateway (<c>num_active_training_jobs</c> of <c>/status</c>).</summary>
public sealed class TrainingJobs
{
    private int active;

    public int Active => Volatile.Read(ref active);

    public IDisposable Start()
    {
        Interlocked.Increment(ref active);
        return new Job(this);
    }

    private sealed class Job(TrainingJobs jobs) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                Interlocked.Decrement(ref jobs.active);
            }
        }
    }
}
