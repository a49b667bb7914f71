/// The engine's version, written into every transcript.
public enum AttuneVersion {
  public static let number = "0.1.0"
  public static let string = "attune \(number)"
}
