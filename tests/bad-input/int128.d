/* rejects: 4:14 __int128 */
/* rejects-from: issue9 */
provider svc {
	probe start(__int128);
};
