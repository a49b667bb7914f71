/// What can go wrong saving a transcript.
public enum TranscriptError: Error, CustomStringConvertible, Equatable {
  case exists(path: String)
  case cannotCreate(path: String, reason: String)
  case cannotWrite(path: String, reason: String)

  public var description: String {
    switch self {
    case .exists(let path):
      return
        "transcript '\(path)' already exists (choose another --transcript path; saved chats are never overwritten)"
    case .cannotCreate(let path, let reason):
      return "cannot create transcript '\(path)' (\(reason)); pass --transcript PATH or --no-save"
    case .cannotWrite(let path, let reason):
      return "cannot write transcript '\(path)' (\(reason))"
    }
  }
}
