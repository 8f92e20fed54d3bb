using System.Globalization;
using System.Threading.RateLimiting;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Grains.Accounts;
using MarketDelivery.Server.Api;
using MarketDelivery.Server.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.IdentityModel.Tokens;
using Microsoft.OpenApi;

namespace MarketDelivery.Server.Hosting;

/// <summary>
/// Sign-in: JWT bearer authentication (our own short-lived tokens, or an external issuer's), the named authorization
/// policies, rate limits for the sign-in endpoints, demo accounts and the one-time code sender.
/// </summary>
public static class Authentication
{
    public const string SignInLimit = "auth-sign-in";
    public const string CodeLimit = "auth-code";
    public const string VerifyLimit = "auth-verify";
    public const string OrderLimit = "orders-per-customer";
    public const string DeliveryLimit = "delivery-per-courier";
    public const string PlanLimit = "plan-per-market";
    public const string BearerScheme = "Bearer";

    public static WebApplicationBuilder AddMarketDeliveryAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var settings = AuthSettings.FromConfiguration(builder.Configuration);
        services.AddSingleton(settings);
        // Grains and limits read the settings from the container, so a test may replace them.
        services.AddSingleton(sp => sp.GetRequiredService<AuthSettings>().Accounts);
        // Demo accounts have public secrets: on by default only in Development (Auth:DemoAccounts=true elsewhere).
        if (builder.Configuration.GetValue("Auth:DemoAccounts", builder.Environment.IsDevelopment()))
        {
            var dataDirectory = builder.Configuration["Data:Directory"];
            services.AddSingleton<IStaffAccountSeeds>(
                DemoAccounts.Load(string.IsNullOrWhiteSpace(dataDirectory) ? SeedDataLoader.FindDataDirectory() : dataDirectory));
        }
        else
        {
            services.AddSingleton<IStaffAccountSeeds, NoStaffAccountSeeds>();
        }

        services.AddSingleton<IOneTimeCodeSender, LoggingOneTimeCodeSender>();
        services.AddSingleton<SigningKeys>();
        services.AddSingleton<TokenIssuer>();
        // Registered after Orleans, so it starts after the silo and before Kestrel takes requests.
        services.AddHostedService<SigningKeyLoader>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<AuthSettings, SigningKeys>(ConfigureBearer);
        services.AddSingleton<IAuthorizationHandler, RouteScopeHandler>();
        services.AddSingleton<IAuthorizationHandler, OrderAccessHandler>();
        services.AddSingleton<IAuthorizationHandler, CourierAccessHandler>();
        services.AddAuthorization(o => o.AddMarketDeliveryPolicies());

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = OnRejected;
            o.AddPolicy(SignInLimit, http => PerClient(http, s => s.SignInPermits));
            o.AddPolicy(CodeLimit, http => PerClient(http, s => s.CodePermits));
            o.AddPolicy(VerifyLimit, http => PerClient(http, s => s.VerifyPermits));
            // Per signed-in customer, courier or market rather than per address: many phones share a carrier's address.
            // An admin places orders on behalf of customers (support, tests): not limited as one customer.
            o.AddPolicy(OrderLimit, http => AuthPolicies.IsAdmin(http.User)
                ? RateLimitPartition.GetNoLimiter("admin")
                : PerScope(http, "customer:" + (http.User.FindFirst(AuthClaims.Customer)?.Value ?? http.User.FindFirst(AuthClaims.Subject)?.Value), s => s.OrderPermits));
            o.AddPolicy(DeliveryLimit, http => PerScope(http, "courier:" + http.GetRouteValue("courierId"), s => s.DeliveryPermits));
            o.AddPolicy(PlanLimit, http => PerScope(http, "market:" + http.GetRouteValue("marketId"), s => s.PlanPermits));
        });

        services.Configure<OpenApiOptions>("v1", o => o.AddOperationRules());
        services.Configure<OpenApiOptions>("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token from POST /api/auth/sign-in, /api/auth/code/verify or /api/auth/refresh: " +
                              "`Authorization: Bearer <accessToken>`.",
            };
            return Task.CompletedTask;
        }));

        return builder;
    }

    /// <summary>Authentication, authorization and rate limiting in the request pipeline (after routing).</summary>
    public static WebApplication UseMarketDeliveryAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    private static void ConfigureBearer(JwtBearerOptions o, AuthSettings settings, SigningKeys keys)
    {
        o.MapInboundClaims = false;
        // Browsers cannot set headers on a WebSocket, so SignalR sends the token as ?access_token= on the hub's path.
        o.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                if (context.HttpContext.Request.Path.StartsWithSegments(MarketDelivery.Server.Hubs.MarketHub.Path)
                    && context.Request.Query["access_token"].ToString() is { Length: > 0 } token)
                {
                    context.Token = token;
                }

                return Task.CompletedTask;
            },
        };
        if (settings.UsesExternalIssuer)
        {
            o.Authority = settings.Authority;
            o.Audience = settings.Audience;
            o.TokenValidationParameters.NameClaimType = AuthClaims.Subject;
            o.TokenValidationParameters.RoleClaimType = AuthClaims.Role;
            return;
        }

        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = AuthSettings.Issuer,
            ValidAudience = AuthSettings.LocalAudience,
            IssuerSigningKeyResolver = (_, _, _, _) => keys.Resolve(),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            NameClaimType = AuthClaims.Subject,
            RoleClaimType = AuthClaims.Role,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
    }

    private static RateLimitPartition<string> PerClient(HttpContext http, Func<AuthSettings, int> permits) =>
        PerScope(http, "address:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"), permits);

    private static RateLimitPartition<string> PerScope(HttpContext http, string key, Func<AuthSettings, int> permits)
    {
        var settings = http.RequestServices.GetRequiredService<AuthSettings>();
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits(settings)),
            Window = settings.RateWindow,
            QueueLimit = 0,
        });
    }

    private static async ValueTask OnRejected(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after)
            ? after
            : http.RequestServices.GetRequiredService<AuthSettings>().RateWindow;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await TypedResults.Problem($"Too many requests; try again in {seconds} s.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.")
            .ExecuteAsync(http);
    }
}
