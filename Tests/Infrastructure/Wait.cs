namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// Polls a condition over real processes until a generous deadline, treating connection errors as "not yet"
/// (nodes restart and reconnect in these tests); unlike <see cref="Eventually"/> it tolerates them.
/// </summary>
public static class Wait
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <param name="describe">What to show when the deadline passes (the last state seen).</param>
    public static async Task Until(Func<Task<bool>> condition, Func<string>? describe = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }

                last = null;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.Net.WebSockets.WebSocketException or Orleans.Runtime.OrleansException or TimeoutException)
            {
                last = e;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"condition not met within {timeout ?? DefaultTimeout}: {describe?.Invoke()}", last);
    }
}
