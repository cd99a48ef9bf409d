using System.Runtime.CompilerServices;

namespace Outpost.Wire.Transport;

/// <summary>
/// <c>await</c> it to continue an async method on a new dedicated thread: the adaptive transport moves a connection that
/// became busy back onto a thread of its own. The thread ends when the method next waits asynchronously (or returns),
/// and then runs <paramref name="onExit"/> (which gives the thread back to the budget).
/// </summary>
internal readonly struct NewThreadAwaitable(string name, Action onExit) : ICriticalNotifyCompletion
{
    public NewThreadAwaitable GetAwaiter() => this;

    public bool IsCompleted => false;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) => Start(continuation);

    public void UnsafeOnCompleted(Action continuation) => Start(continuation);

    private void Start(Action continuation)
    {
        var exit = onExit;
        var thread = new Thread(() =>
        {
            try
            {
                continuation();
            }
            finally
            {
                exit();
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
    }
}
