using System.Text.Json.Nodes;
using System.Threading.Channels;
using MarketDelivery.Server.Hosting;
using MarketDelivery.Server.Hubs;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace MarketDelivery.Server.Tests.Support;

/// <summary>A real SignalR client of the market hub, and a way to wait for the pushed events a test expects.</summary>
public static class HubClient
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>A client signed in as an admin, or with <paramref name="token"/>.</summary>
    public static Task<HubConnection> Connect(MarketServer server, string? token = null) => Connect(server.BaseAddress, token);

    /// <summary>A client of the hub of the server at <paramref name="baseAddress"/> (a server process, say), signed in as an admin or with <paramref name="token"/>.</summary>
    public static async Task<HubConnection> Connect(Uri baseAddress, string? token = null)
    {
        var connection = Build(baseAddress, token ?? TestTokens.Admin);
        await connection.StartAsync();
        return connection;
    }

    /// <summary>A connection not started yet; the token goes on the query string, as browsers send it.</summary>
    public static HubConnection Build(Uri baseAddress, string? token) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, MarketHub.Path), o =>
            {
                if (token is not null)
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }
            })
            .AddJsonProtocol(o => MarketDeliveryHost.ConfigureJson(o.PayloadSerializerOptions))
            .Build();

    /// <summary>Every <paramref name="eventName"/> pushed to this connection from now on.</summary>
    public static ChannelReader<JsonObject> Listen(this HubConnection connection, string eventName)
    {
        var channel = Channel.CreateUnbounded<JsonObject>();
        connection.On<JsonObject>(eventName, payload => channel.Writer.TryWrite(payload));
        return channel.Reader;
    }

    /// <summary>The next pushed event that matches, skipping others; fails after <see cref="Patience"/>.</summary>
    public static async Task<JsonObject> NextMatching(this ChannelReader<JsonObject> reader, Func<JsonObject, bool> match)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var next = await reader.ReadAsync(timeout.Token);
            if (match(next))
            {
                return next;
            }
        }
    }
}
