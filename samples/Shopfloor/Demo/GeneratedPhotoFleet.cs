using Shopfloor.Domain;
using Shopfloor.Security;

namespace Shopfloor.Demo;

/// <summary>
/// A stand-in fleet: one signed-in tablet per department, one new photo every <c>interval</c> from a random one,
/// written through <see cref="Server.PhotoService"/> (validated, authorized, encrypted) — enough to watch the
/// dashboard refresh live.
/// </summary>
public sealed class GeneratedPhotoFleet(TimeSpan interval) : IDeviceFleet
{
    /// <inheritdoc/>
    public async Task RunAsync(DemoContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (interval <= TimeSpan.Zero || context.Projects.Count == 0)
        {
            return;
        }
        var services = context.Host.Services;
        var devices = new List<DevicePrincipal>();
        foreach (var department in Departments.All)
        {
            var signIn = await services.SignIn.SignInAsync($"tablet-{department.Code.ToLowerInvariant()}-live", department.Code, context.PinsByCode[department.Code], cancellationToken).ConfigureAwait(false);
            var session = signIn.Session!;
            devices.Add(new DevicePrincipal(session.DeviceId, session.DepartmentId, session.DepartmentCode, session.Permissions, session.SessionId));
        }
        var random = new Random();
        var index = 50_000;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var device = devices[random.Next(devices.Count)];
                var project = context.Projects[random.Next(context.Projects.Count)];
                var photo = DemoData.Photo(random, device.DepartmentId, project["_id"].AsObjectId, project["jobNumber"].AsString, DateTime.UtcNow, device.DeviceId, index++);
                await services.Photos.CreateAsync(device, photo, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Demo stopping.
        }
    }
}
