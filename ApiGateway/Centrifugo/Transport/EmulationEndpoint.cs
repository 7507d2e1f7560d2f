using System.Text.Json;
using Google.Protobuf;
using Switchboard.ApiGateway.Centrifugo.Config;
using Switchboard.ApiGateway.Centrifugo.Node;
using Switchboard.ApiGateway.Centrifugo.Protocol.Wire;

namespace Switchboard.ApiGateway.Centrifugo.Transport;

/// <summary>
/// <c>POST /emulation</c>: the client-to-server half of emulated connections. A command may reach any gateway;
/// it is handed to the session on the node named in the request, here or through that node's observer.
/// Answers 200 once the session took the commands, 204 when its node no longer has it (its stream ends too),
/// 404 when the node is unknown or unreachable (the client then reconnects), 400/413 for bad requests, 403 for a
/// browser from an origin <c>allowed_origins</c> does not allow (<see cref="BrowserOrigin"/>).
/// </summary>
public static class EmulationEndpoint
{
    public const string Path = "/emulation";

    public static void Map(WebApplication app)
    {
        var origins = app.Services.GetRequiredService<CentrifugoOptions>().AllowedOrigins;
        BrowserOrigin.MapPreflight(app, Path, origins);
        app.MapPost(Path, async (HttpContext context, GatewayNode node, ChannelRules rules, EmulationRouter router) =>
        {
            var body = await BoundedBody.Read(context.Request, rules.Options.ClientRequestMaxSize, context.RequestAborted);
            if (body is null)
            {
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            }

            var binary = context.Request.ContentType?.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase) == true;
            if (!TryParse(body, binary, out var request))
            {
                return Results.BadRequest("Expected an EmulationRequest: {\"node\",\"session\",\"data\"} in JSON, or its Protobuf encoding.");
            }

            return await router.Deliver(request.Node, request.Session, request.Data.ToByteArray()) switch
            {
                EmulationOutcome.Delivered => Results.Ok(),
                EmulationOutcome.SessionGone => Results.NoContent(),
                _ => Results.NotFound(),
            };
        }).RequireAllowedOrigin(origins);
    }

    private static bool TryParse(byte[] body, bool binary, out EmulationRequest request)
    {
        request = new EmulationRequest();
        try
        {
            if (binary)
            {
                request = EmulationRequest.Parser.ParseFrom(body);
            }
            else
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                request.Node = root.GetProperty("node").GetString() ?? "";
                request.Session = root.GetProperty("session").GetString() ?? "";
                // JSON clients send their command lines as a string.
                var data = root.GetProperty("data");
                request.Data = data.ValueKind == JsonValueKind.String ? ByteString.CopyFromUtf8(data.GetString()) : ByteString.CopyFrom(System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(data));
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidProtocolBufferException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }

        return request.Node.Length > 0 && request.Session.Length > 0;
    }
}
