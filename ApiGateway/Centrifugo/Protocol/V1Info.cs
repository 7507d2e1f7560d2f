namespace Switchboard.ApiGateway.Centrifugo.Protocol;

/// <summary>The info of v1 credentials as the signs take it: none, or a JSON object (the SDK's documented form).</summary>
internal static class V1Info
{
    /// <summary>Empty, or from <c>{</c> to <c>}</c> with nothing around them: no digit, letter or space of the field before it reads as info.</summary>
    public static bool IsPlain(string info) => info.Length == 0 || (info[0] == '{' && info[^1] == '}');
}
