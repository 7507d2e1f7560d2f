using System.Net.WebSockets;
using Orleans.Runtime;

namespace Switchboard.Tests.Infrastructure;

/// <summary>Polls for a condition with a generous deadline instead of sleeping a fixed time (the box is shared and slow).</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Reads until <paramref name="done"/> holds; at the deadline throws <see cref="TimeoutException"/> naming the last value.</summary>
    /// <param name="tolerateConnectionErrors">
    /// Treats connection errors as "not yet" instead of failing: for real processes that restart and reconnect.
    /// </param>
    public static async Task<T> Get<T>(Func<Task<T>> read, Func<T, bool> done, string? what = null, TimeSpan? timeout = null, bool tolerateConnectionErrors = false)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            string last;
            Exception? error = null;
            try
            {
                var value = await read();
                if (done(value))
                {
                    return value;
                }

                last = $"{value}";
            }
            catch (Exception e) when (tolerateConnectionErrors && IsConnectionError(e))
            {
                (last, error) = (e.Message, e);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what ?? "condition"} not reached within {limit}; last: {last}", error);
            }

            await Task.Delay(Interval);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> is true; <paramref name="describe"/> adds the state seen when the deadline passes.</summary>
    public static async Task Until(Func<Task<bool>> condition, Func<string>? describe = null, TimeSpan? timeout = null, bool tolerateConnectionErrors = false)
    {
        try
        {
            await Get(condition, ok => ok, timeout: timeout, tolerateConnectionErrors: tolerateConnectionErrors);
        }
        catch (TimeoutException e) when (describe is not null)
        {
            throw new TimeoutException($"{e.Message}: {describe()}", e.InnerException);
        }
    }

    private static bool IsConnectionError(Exception e) =>
        e is HttpRequestException or TaskCanceledException or IOException or WebSocketException or OrleansException or TimeoutException;
}
