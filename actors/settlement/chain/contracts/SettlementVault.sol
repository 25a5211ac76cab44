// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IERC20 {
    function decimals() external view returns (uint8);
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

/// @title SettlementVault: custody and final truth of the InferGrid ledger on an EVM chain.
/// @notice Developers deposit tokens into a pool that backs the off-chain ledger's balances; miners
///         and validators stake; the settlement operator anchors each closed epoch's ledger root and
///         balances root; anyone withdraws what an anchored balances root grants it once the challenge
///         window has passed; a quorum of staked validators slashes a miner with their signatures.
///         The operator's only power is anchoring roots (deploy/readme/chain.md, "Roles"): it cannot
///         touch stakes, and withdrawals can never take more than the pool holds.
///         Every amount the vault keeps, takes as an argument or emits is in ledger micro-units
///         (10^-6 token), the unit the off-chain ledger counts; the token moves amount ×
///         tokenUnitsPerMicro base units (10^12 for an 18-decimal token such as BTT), so no deposit,
///         stake, slash or withdrawal can leave a fraction the ledger cannot book.
contract SettlementVault {
    enum Role { None, Miner, Validator }

    struct Unbonding {
        uint192 amount;
        uint64 releaseAt;
    }

    struct Anchor {
        bytes32 ledgerRoot;
        bytes32 balancesRoot;
        uint64 withdrawableAt;
    }

    /// Domain tag of the statement validators sign to slash (see slashDigest).
    bytes32 public constant SLASH_TAG = keccak256("infergrid.slash.v1");
    /// Half the secp256k1 group order: signatures with a larger s are refused (no malleated copies).
    uint256 private constant HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;
    uint256 public constant MAX_PENDING_UNBONDINGS = 64;
    uint256 private constant BPS_WHOLE = 10_000;

    IERC20 public immutable token;
    address public immutable operator;
    uint64 public immutable unbondingDelaySeconds;
    uint64 public immutable challengeWindowSeconds;
    uint256 public immutable minerStakeMin;
    uint256 public immutable validatorStakeMin;
    uint256 public immutable convictionQuorum;
    uint256 public immutable slashBps;
    uint256 public immutable slashReporterBps;
    /// Token base units per ledger micro-unit: 10^(token decimals - 6), read from the token at deployment.
    uint256 public immutable tokenUnitsPerMicro;

    /// Tokens backing the off-chain ledger's balances: deposits and slash forfeits in, withdrawals out.
    uint256 public pool;
    mapping(address => Role) public roleOf;
    mapping(address => uint256) public stakedOf;
    mapping(address => Unbonding[]) private unbondingsOf;
    uint64 public latestEpoch;
    mapping(uint64 => Anchor) public anchors;
    /// What each account has withdrawn so far; a balances leaf grants a cumulative amount.
    mapping(address => uint256) public withdrawnOf;
    mapping(bytes32 => bool) public convicted;
    mapping(address => bytes32) public identityOf;

    event Deposited(address indexed account, uint256 amount);
    event Staked(address indexed account, Role role, uint256 amount, uint256 stakedTotal);
    event Unbonded(address indexed account, uint256 amount, uint64 releaseAt);
    event UnbondedWithdrawn(address indexed account, uint256 amount);
    event EpochAnchored(uint64 indexed epoch, bytes32 ledgerRoot, bytes32 balancesRoot, uint64 withdrawableAt);
    event Withdrawn(address indexed account, uint64 indexed epoch, uint256 amount, uint256 cumulativeAmount);
    event Slashed(address indexed miner, bytes32 indexed evidenceHash, uint256 forfeit, address[] voters,
                  uint256 rewardPerVoter, uint256 treasuryShare);
    event IdentityBound(address indexed account, bytes32 ed25519PublicKey, bytes signature);

    constructor(IERC20 token_, address operator_, uint64 unbondingDelaySeconds_, uint64 challengeWindowSeconds_,
                uint256 minerStakeMin_, uint256 validatorStakeMin_, uint256 convictionQuorum_, uint256 slashBps_,
                uint256 slashReporterBps_) {
        require(address(token_) != address(0) && operator_ != address(0), "zero address");
        require(convictionQuorum_ > 0, "quorum must be positive");
        require(slashBps_ <= BPS_WHOLE && slashReporterBps_ <= BPS_WHOLE, "basis points over 10000");
        token = token_;
        operator = operator_;
        unbondingDelaySeconds = unbondingDelaySeconds_;
        challengeWindowSeconds = challengeWindowSeconds_;
        minerStakeMin = minerStakeMin_;
        validatorStakeMin = validatorStakeMin_;
        convictionQuorum = convictionQuorum_;
        slashBps = slashBps_;
        slashReporterBps = slashReporterBps_;
        uint8 tokenDecimals = token_.decimals();
        require(tokenDecimals >= 6 && tokenDecimals <= 24, "token decimals must be 6 to 24");
        tokenUnitsPerMicro = uint256(10) ** (tokenDecimals - 6);
    }

    // ---- money in -------------------------------------------------------------------------------

    /// Moves `amount` from the caller's wallet into the pool; the ledger credits the caller's account.
    function deposit(uint256 amount) external {
        require(amount > 0, "amount must be positive");
        pool += amount;
        emit Deposited(msg.sender, amount);
        require(token.transferFrom(msg.sender, address(this), amount * tokenUnitsPerMicro), "token transfer failed");
    }

    // ---- stakes ---------------------------------------------------------------------------------

    /// Moves `amount` from the caller's wallet into its stake; the first stake fixes its role.
    function stake(Role role, uint256 amount) external {
        require(role == Role.Miner || role == Role.Validator, "role must be miner or validator");
        require(amount > 0, "amount must be positive");
        Role current = roleOf[msg.sender];
        require(current == Role.None || current == role, "account already staked in another role");
        roleOf[msg.sender] = role;
        uint256 total = stakedOf[msg.sender] + amount;
        stakedOf[msg.sender] = total;
        emit Staked(msg.sender, role, amount, total);
        require(token.transferFrom(msg.sender, address(this), amount * tokenUnitsPerMicro), "token transfer failed");
    }

    /// Moves `amount` of the caller's stake to unbonding: locked and slashable for the delay.
    function unbond(uint256 amount) external {
        require(amount > 0, "amount must be positive");
        require(stakedOf[msg.sender] >= amount, "stake too small");
        require(amount <= type(uint192).max, "amount too large");
        Unbonding[] storage queue = unbondingsOf[msg.sender];
        require(queue.length < MAX_PENDING_UNBONDINGS, "too many pending unbondings");
        stakedOf[msg.sender] -= amount;
        uint64 releaseAt = uint64(block.timestamp) + unbondingDelaySeconds;
        queue.push(Unbonding(uint192(amount), releaseAt));
        emit Unbonded(msg.sender, amount, releaseAt);
    }

    /// Pays out every matured unbonding of the caller.
    function withdrawUnbonded() external {
        Unbonding[] storage queue = unbondingsOf[msg.sender];
        uint256 matured = 0;
        uint256 count = 0;
        while (count < queue.length && queue[count].releaseAt <= block.timestamp) {
            matured += queue[count].amount;
            ++count;
        }
        require(matured > 0, "nothing has matured");
        uint256 remaining = queue.length - count;
        for (uint256 i = 0; i < remaining; ++i) queue[i] = queue[i + count];
        for (uint256 i = 0; i < count; ++i) queue.pop();
        emit UnbondedWithdrawn(msg.sender, matured);
        require(token.transfer(msg.sender, matured * tokenUnitsPerMicro), "token transfer failed");
    }

    function unbondingOf(address account) public view returns (uint256 total) {
        Unbonding[] storage queue = unbondingsOf[account];
        for (uint256 i = 0; i < queue.length; ++i) total += queue[i].amount;
    }

    // ---- epochs and withdrawals -----------------------------------------------------------------

    /// The operator publishes a closed epoch's roots; epochs strictly increase.
    function anchorEpoch(uint64 epoch, bytes32 ledgerRoot, bytes32 balancesRoot) external {
        require(msg.sender == operator, "only the operator anchors");
        require(epoch > latestEpoch, "epoch already anchored");
        uint64 withdrawableAt = uint64(block.timestamp) + challengeWindowSeconds;
        latestEpoch = epoch;
        anchors[epoch] = Anchor(ledgerRoot, balancesRoot, withdrawableAt);
        emit EpochAnchored(epoch, ledgerRoot, balancesRoot, withdrawableAt);
    }

    /// Pays the caller what epoch `epoch`'s balances root grants it beyond what it already withdrew.
    /// Leaf: keccak256(bytes.concat(keccak256(abi.encode(account, cumulativeAmount)))); sorted pairs.
    function withdraw(uint64 epoch, uint256 cumulativeAmount, bytes32[] calldata proof) external {
        Anchor storage anchor = anchors[epoch];
        require(anchor.withdrawableAt != 0, "epoch not anchored");
        require(block.timestamp >= anchor.withdrawableAt, "challenge window still open");
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(msg.sender, cumulativeAmount))));
        require(_root(leaf, proof) == anchor.balancesRoot, "invalid balances proof");
        uint256 already = withdrawnOf[msg.sender];
        require(cumulativeAmount > already, "nothing to withdraw");
        uint256 amount = cumulativeAmount - already;
        require(amount <= pool, "pool too small");
        withdrawnOf[msg.sender] = cumulativeAmount;
        pool -= amount;
        emit Withdrawn(msg.sender, epoch, amount, cumulativeAmount);
        require(token.transfer(msg.sender, amount * tokenUnitsPerMicro), "token transfer failed");
    }

    function _root(bytes32 node, bytes32[] calldata proof) private pure returns (bytes32) {
        for (uint256 i = 0; i < proof.length; ++i) {
            bytes32 sibling = proof[i];
            node = node < sibling ? keccak256(abi.encode(node, sibling)) : keccak256(abi.encode(sibling, node));
        }
        return node;
    }

    // ---- slashing -------------------------------------------------------------------------------

    /// The 32 bytes each validator signs (raw, no prefix) to convict `miner` on `evidenceHash`.
    function slashDigest(address miner, bytes32 evidenceHash) public view returns (bytes32) {
        return keccak256(abi.encode(SLASH_TAG, block.chainid, address(this), miner, evidenceHash));
    }

    /// Convicts `miner` on `evidenceHash` with at least `convictionQuorum` signatures (65 bytes
    /// r|s|v each) of distinct staked validators in ascending signer address order. The miner forfeits
    /// slashBps of its bonded stake (staked first, then unbonding, newest first) into the pool; the
    /// voters' share and the treasury's are credited on the ledger as the Slashed event says.
    function slash(address miner, bytes32 evidenceHash, bytes[] calldata signatures) external {
        require(roleOf[miner] == Role.Miner, "not a miner");
        require(!convicted[evidenceHash], "evidence already convicted");
        require(signatures.length >= convictionQuorum, "below quorum");
        bytes32 digest = slashDigest(miner, evidenceHash);
        address[] memory voters = new address[](signatures.length);
        address previous = address(0);
        for (uint256 i = 0; i < signatures.length; ++i) {
            address signer = _recover(digest, signatures[i]);
            require(signer > previous, "signers not distinct and ascending");
            require(roleOf[signer] == Role.Validator && stakedOf[signer] >= validatorStakeMin,
                    "signer is not a staked validator");
            voters[i] = signer;
            previous = signer;
        }
        uint256 bonded = stakedOf[miner] + unbondingOf(miner);
        uint256 forfeit = bonded * slashBps / BPS_WHOLE;
        uint256 rewardPerVoter = forfeit * slashReporterBps / BPS_WHOLE / voters.length;
        uint256 treasuryShare = forfeit - rewardPerVoter * voters.length;
        convicted[evidenceHash] = true;
        _forfeit(miner, forfeit);
        pool += forfeit;
        emit Slashed(miner, evidenceHash, forfeit, voters, rewardPerVoter, treasuryShare);
    }

    function _forfeit(address miner, uint256 forfeit) private {
        uint256 fromStaked = forfeit < stakedOf[miner] ? forfeit : stakedOf[miner];
        stakedOf[miner] -= fromStaked;
        uint256 left = forfeit - fromStaked;
        Unbonding[] storage queue = unbondingsOf[miner];
        while (left > 0) {
            Unbonding storage newest = queue[queue.length - 1];
            if (newest.amount > left) {
                newest.amount -= uint192(left);
                left = 0;
            } else {
                left -= newest.amount;
                queue.pop();
            }
        }
    }

    function _recover(bytes32 digest, bytes calldata signature) private pure returns (address signer) {
        require(signature.length == 65, "signature must be 65 bytes");
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        require(v == 27 || v == 28, "signature v must be 27 or 28");
        require(uint256(s) <= HALF_ORDER, "signature s is not canonical");
        signer = ecrecover(digest, v, r, s);
        require(signer != address(0), "signature does not recover");
    }

    // ---- identity -------------------------------------------------------------------------------

    /// Binds the caller's chain address to its Ed25519 node identity, once and before its first stake,
    /// so every stake, unbonding and slash of the address comes after its binding and the ledger books
    /// them all to the one identity. The contract cannot check an Ed25519 signature; it keeps the
    /// statement (deploy/readme/chain.md, "Identity") for anyone to verify:
    /// Ed25519(key, "infergrid.identity.v1" | chainid | vault | caller).
    function bindIdentity(bytes32 ed25519PublicKey, bytes calldata signature) external {
        require(ed25519PublicKey != bytes32(0), "zero public key");
        require(signature.length == 64, "signature must be 64 bytes");
        require(identityOf[msg.sender] == bytes32(0), "identity already bound");
        require(roleOf[msg.sender] == Role.None, "bind the identity before staking");
        identityOf[msg.sender] = ed25519PublicKey;
        emit IdentityBound(msg.sender, ed25519PublicKey, signature);
    }
}
