package io.nutsgate.protocol;

import static io.nutsgate.protocol.Product.*;

import io.nutsgate.protocol.Deployment.Implementation;
import io.nutsgate.protocol.Deployment.PriceFeed;
import io.nutsgate.protocol.Deployment.Token;
import java.util.List;
import java.util.Optional;

/** The OptionBook deployments we know, as data (REFERENCE §5). Newest first. */
public final class Deployments {

    public static final long BASE_CHAIN_ID = 8453;

    static final List<Token> BASE_TOKENS = List.of(
            new Token("USDC", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", 6),
            new Token("WETH", "0x4200000000000000000000000000000000000006", 18),
            new Token("cbBTC", "0xcbB7C0000aB88B473b1f5aFd9ef808440eed33Bf", 8),
            new Token("aBasUSDC", "0x4e65fE4DbA92790696d040ac24Aa414708F5c0AB", 6),
            new Token("aBasWETH", "0xD4a0e0b9149BCee3C920d2E00b5dE09138fd8bb7", 18),
            new Token("aBascbBTC", "0xBdb9300b7CDE636d9cD4AFF00f6F009fFBBc8EE6", 8),
            new Token("cbDOGE", "0x73c7A9C372F31c1b1C7f8E5A7D12B8735c817C79", 8),
            new Token("cbXRP", "0x7B2Cd9EA5566c345C9cdbcF58f5E211a0dB47444", 6));

    static final List<PriceFeed> BASE_FEEDS = List.of(
            new PriceFeed("ETH", "0x71041dddad3595F9CEd3DcCFBe3D1F4b0a16Bb70"),
            new PriceFeed("BTC", "0x64c911996D3c6aC71f9b455B1E8E7266BcbD848F"),
            new PriceFeed("SOL", "0x975043adBb80fc32276CbF9Bbcfd4A601a12462D"),
            new PriceFeed("DOGE", "0x8422f3d3CAFf15Ca682939310d6A5e619AE08e57"),
            new PriceFeed("XRP", "0x9f0C1dD78C4CBdF5b9cf923a549A201EdC676D34"),
            new PriceFeed("BNB", "0x4b7836916781CAAfbb7Bd1E5FDd20ED544B453b1"),
            new PriceFeed("PAXG", "0x5213eBB69743b85644dbB6E25cdF994aFBb8cF31"),
            new PriceFeed("AVAX", "0xE70f2D34Fd04046aaEC26a198A35dD8F2dF5cd92"));

    /** r12, deployed 2026-05-05: current in SDK v0.2.x. */
    public static final Deployment R12 = new Deployment(
            "r12",
            BASE_CHAIN_ID,
            "0x1bDff855d6811728acaDC00989e79143a2bdfDed",
            "0x8118daD971dEbffB49B9280047659174128A8B94",
            45601440,
            BASE_TOKENS,
            BASE_FEEDS,
            List.of(
                    new Implementation(PUT, "0x7355EB92dfb0503DB558a70c10843618932ab290"),
                    new Implementation(INVERSE_CALL, "0xE6c5756b0289e3f0994CB12eb8aB71Cd903Ed0Ea"),
                    new Implementation(LINEAR_CALL, "0x051791df68223AE173Fade5217C48875e36eef61"),
                    new Implementation(CALL_SPREAD, "0xfaeD63f7040E65b79cF0Ae29706fDc423eE249A9"),
                    new Implementation(PUT_SPREAD, "0x02Fe0d9635e0139DBB3768a5d5Db404Fd84d9134"),
                    new Implementation(INVERSE_CALL_SPREAD, "0x7Be48100b1B0349528A96D64953295Cd0Bbe4B70"),
                    new Implementation(CALL_FLY, "0xa1d5f6b16A2e7f298F8d2cDF78F7779B4A20C4C2"),
                    new Implementation(PUT_FLY, "0x4fd2C6D271cC6FF3EbD2027da9815a0608d03aa3"),
                    new Implementation(CALL_CONDOR, "0x14476CF2ea9F7C448100F061670E390f17c78817"),
                    new Implementation(PUT_CONDOR, "0xC742E422c7BB43A7FDe1CEF47997bC9D5b543cDD"),
                    new Implementation(IRON_CONDOR, "0x9ebd7E23AfD52a48F557523019285EfEF2170D59"),
                    new Implementation(RANGER, "0x9980ec85bc6fE07340adb36c76FA093bb6D4FcBc"),
                    new Implementation(PHYSICAL_CALL, "0x8c56100caE246f7daa4BC1EC4d1477d71178c563"),
                    new Implementation(PHYSICAL_PUT, "0x6aD53DD058bea004829cCf58a282C21a7Df02DcA")));

    /** The older book the current frontend uses ("r10" in the Guide), deployed 2025-10-09. */
    public static final Deployment R10 = new Deployment(
            "r10",
            BASE_CHAIN_ID,
            "0xd58b814C7Ce700f251722b5555e25aE0fa8169A1",
            "0x1aDcD391CF15Fb699Ed29B1D394F4A64106886e5",
            36596854,
            BASE_TOKENS,
            BASE_FEEDS,
            List.of(
                    new Implementation(INVERSE_CALL, "0x1fdec69e5ac4fa9cb7092f381c2dd5688759d43c"),
                    new Implementation(PUT, "0x64b4b21bf0845c79661f60ed48aa24d54bf74bb5"),
                    new Implementation(CALL_SPREAD, "0x2db5afa04aee616157beb53b96612947b3d13ee3"),
                    new Implementation(INVERSE_CALL_SPREAD, "0xb529ba9d8d877d2641c8e8efed91ff603f09646e"),
                    new Implementation(PUT_SPREAD, "0x571471b2f823cc6b5683fc99ac6781209bc85f55"),
                    new Implementation(LINEAR_CALL, "0xeeeb29c9454974c89c5fb1b3190fcb46b74f1ea1"),
                    new Implementation(CALL_FLY, "0xb727690fdd4bb0ff74f2f0cc3e68297850a634c5"),
                    new Implementation(PUT_FLY, "0x78b02119007f9efc2297a9738b9a47a3bc3c2777"),
                    new Implementation(CALL_CONDOR, "0x7d3c622852d71b932d0903f973caff45bcdba4f1"),
                    new Implementation(PUT_CONDOR, "0x5cc960b56049b6f850730facb4f3eb45417c7679"),
                    new Implementation(IRON_CONDOR, "0xb200253b68fbf18f31d813aecef97be3a6246b79"),
                    new Implementation(PHYSICAL_CALL, "0x025a8ef95f8939ffdba6a45973a28695846e9e45"),
                    new Implementation(PHYSICAL_PUT, "0x2d283d7ade2896d98331496ee761f15ed1d6a699")));

    public static final List<Deployment> ALL = List.of(R12, R10);

    private Deployments() {}

    public static Optional<Deployment> byOptionBook(String address) {
        return ALL.stream().filter(d -> d.isOptionBook(address)).findFirst();
    }
}
